package com.example.template.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests in {@code deploy/kubernetes/}, read as {@code kubectl apply -k} reads
 * them: every document of every file the kustomization lists, and the config file it turns into
 * the pods' ConfigMap.
 */
final class Manifests {

  static final Path DIR = Path.of("deploy/kubernetes");

  private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?");

  private final JsonObject kustomization;
  private final List<JsonObject> resources;

  private Manifests(JsonObject kustomization, List<JsonObject> resources) {
    this.kustomization = kustomization;
    this.resources = resources;
  }

  static Manifests load() {
    JsonObject kustomization = documents(DIR.resolve("kustomization.yaml")).get(0);
    List<JsonObject> resources = new ArrayList<>();
    for (Object file : kustomization.getJsonArray("resources")) {
      resources.addAll(documents(DIR.resolve((String) file)));
    }
    return new Manifests(kustomization, resources);
  }

  /** Every YAML document in a file, each a JSON object (a document that is not a mapping fails). */
  static List<JsonObject> documents(Path file) {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<JsonObject> documents = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      for (Object document : yaml.loadAll(reader)) {
        if (!(document instanceof Map<?, ?> map)) {
          throw new AssertionError(file + ": a document is not a mapping: " + document);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        documents.add(new JsonObject(fields));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  JsonObject kustomization() {
    return kustomization;
  }

  List<JsonObject> resources() {
    return resources;
  }

  List<JsonObject> ofKind(String kind) {
    return resources.stream().filter(r -> kind.equals(r.getString("kind"))).toList();
  }

  /** The one resource of this kind and name. */
  JsonObject get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(r -> name.equals(r.getJsonObject("metadata").getString("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + DIR));
  }

  /** The one resource of this kind. */
  JsonObject only(String kind) {
    List<JsonObject> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " in " + DIR + ", found " + found.size());
    }
    return found.get(0);
  }

  JsonObject deployment() {
    return only("Deployment");
  }

  JsonObject podSpec() {
    return deployment().getJsonObject("spec").getJsonObject("template").getJsonObject("spec");
  }

  /** The node's container: a pod runs one node and nothing else. */
  JsonObject container() {
    JsonArray containers = podSpec().getJsonArray("containers");
    if (containers.size() != 1) {
      throw new AssertionError("expected one container in the pod, found " + containers.size());
    }
    return containers.getJsonObject(0);
  }

  /** The container port of this name. */
  int containerPort(String name) {
    return container().getJsonArray("ports").stream()
        .map(JsonObject.class::cast)
        .filter(port -> name.equals(port.getString("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the container has no port named " + name))
        .getInteger("containerPort");
  }

  /** Where the container mounts the pod volume of this name. */
  String mountPath(String volume) {
    return container().getJsonArray("volumeMounts").stream()
        .map(JsonObject.class::cast)
        .filter(mount -> volume.equals(mount.getString("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the container does not mount the volume " + volume))
        .getString("mountPath");
  }

  /** The pod volume whose source (configMap, secret, emptyDir...) has this field, e.g. "secret". */
  JsonObject volumeWith(String source) {
    return podSpec().getJsonArray("volumes").stream()
        .map(JsonObject.class::cast)
        .filter(volume -> volume.containsKey(source))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the pod has no " + source + " volume"));
  }

  /** The file the kustomization generates the pods' ConfigMap from. */
  Path configFile() {
    JsonObject generator = configMapGenerator();
    return DIR.resolve(generator.getJsonArray("files").getString(0));
  }

  JsonObject configMapGenerator() {
    JsonArray generators = kustomization.getJsonArray("configMapGenerator");
    if (generators == null || generators.size() != 1 || generators.getJsonObject(0).getJsonArray("files").size() != 1) {
      throw new AssertionError("expected one configMapGenerator with one file in " + DIR.resolve("kustomization.yaml"));
    }
    return generators.getJsonObject(0);
  }

  /** A Kubernetes quantity of bytes ("512Mi", "1G", "1048576") in bytes. */
  static long bytes(String quantity) {
    Matcher m = QUANTITY.matcher(quantity);
    if (!m.matches()) {
      throw new AssertionError("not a byte quantity: " + quantity);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    return unit == null ? n : switch (unit) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      case "Gi" -> n << 30;
      case "k" -> n * 1_000;
      case "M" -> n * 1_000_000;
      default -> n * 1_000_000_000;
    };
  }
}
