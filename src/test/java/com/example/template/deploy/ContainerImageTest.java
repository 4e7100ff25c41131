package com.example.template.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The two ways to build the image, Jib (pom.xml's "image" profile) and the Dockerfile, make the
 * same image: the same entry point, which runs the runnable jar with conf/jvm.options from the
 * application home as bin/run.sh does, the same base, user and ports; and the Deployment runs it
 * as that user.
 */
class ContainerImageTest {

  /** The application home in the image: -Dapp.home, the working directory, where conf/ goes. */
  private static final String HOME = "/app";

  private final Element jib = jibConfiguration();
  private final Dockerfile dockerfile = Dockerfile.read(Path.of("Dockerfile"));
  private final Manifests manifests = Manifests.load();

  @Test
  void bothRunTheJarWithTheJvmOptionsOfConfFromTheApplicationHome() throws IOException {
    List<String> jibEntrypoint = texts(child(jib, "container", "entrypoint"), "arg");
    assertThat(jibEntrypoint).containsExactly(
        "java", "@" + HOME + "/conf/jvm.options", "-Dapp.home=" + HOME, "-jar", HOME + "/app.jar");
    assertThat(dockerfile.entrypoint()).isEqualTo(jibEntrypoint);

    // bin/run.sh starts every JVM with the same flags file, from the same home.
    String runScript = Files.readString(Path.of("bin/run.sh"));
    assertThat(runScript).contains("\"@$home/conf/jvm.options\"", "-Dapp.home=\"$home\"");
  }

  @Test
  void bothPutConfAndTheRunnableJarWhereTheEntryPointLooks() throws IOException {
    // The runnable jar: what the shade plugin writes, and what bin/run.sh runs.
    String jar = text(child(shadePlugin(), "executions", "execution", "configuration"), "finalName") + ".jar";
    assertThat(Files.readString(Path.of("bin/run.sh"))).contains("jar=\"$home/target/" + jar + "\"");

    Map<String, Element> extra = children(child(jib, "extraDirectories", "paths"), "path").stream()
        .collect(Collectors.toMap(path -> text(path, "into"), path -> path));
    assertThat(extra).containsOnlyKeys(HOME + "/conf", HOME);
    assertThat(text(extra.get(HOME + "/conf"), "from")).isEqualTo("${project.basedir}/conf");
    assertThat(text(extra.get(HOME), "from")).isEqualTo("${project.build.directory}");
    assertThat(text(extra.get(HOME), "includes")).isEqualTo(jar);

    assertThat(dockerfile.instructions("COPY")).containsExactly(
        "conf/ " + HOME + "/conf/",
        "--from=build /src/target/" + jar + " " + HOME + "/" + jar);
    assertThat(dockerfile.instructions("WORKDIR")).containsExactly(HOME);
    assertThat(text(child(jib, "container"), "workingDirectory")).isEqualTo(HOME);
  }

  @Test
  void jibLeavesOutItsOwnClasspathSoTheImageHoldsOneCopyOfTheApplication() {
    List<String> removed = children(child(jib, "pluginExtensions", "pluginExtension", "configuration", "filters"), "filter")
        .stream().map(filter -> text(filter, "glob")).toList();
    assertThat(removed).containsExactlyInAnyOrder(
        HOME + "/libs/**", HOME + "/resources/**", HOME + "/classes/**", HOME + "/jib-*-file");
  }

  @Test
  void bothStartFromTheSameBaseAndRunAsTheUserTheDeploymentExpects() {
    assertThat(text(child(jib, "from"), "image")).isEqualTo("${image.base}");
    assertThat(dockerfile.arg("BASE_IMAGE")).isEqualTo(pomProperty("image.base"));
    assertThat(dockerfile.finalBase()).isEqualTo("${BASE_IMAGE}");

    String user = text(child(jib, "container"), "user");
    assertThat(dockerfile.instructions("USER")).containsExactly(user);
    JsonObject pod = manifests.podSpec().getJsonObject("securityContext");
    assertThat(user).isEqualTo(pod.getInteger("runAsUser") + ":" + pod.getInteger("runAsGroup"));
  }

  @Test
  void bothDeclareThePortsTheDeploymentOpens() {
    List<String> jibPorts = texts(child(jib, "container", "ports"), "port");
    List<String> podPorts = manifests.container().getJsonArray("ports").stream()
        .map(port -> String.valueOf(((JsonObject) port).getInteger("containerPort")))
        .toList();
    assertThat(jibPorts).containsExactlyInAnyOrderElementsOf(podPorts);
    assertThat(dockerfile.instructions("EXPOSE")).hasSize(1);
    assertThat(dockerfile.instructions("EXPOSE").get(0).split(" ")).containsExactlyInAnyOrderElementsOf(podPorts);
  }

  @Test
  void theImageIsBuiltOnDemandOnlyUnderTheNameTheDeploymentRuns() {
    Element plugin = (Element) jib.getParentNode();
    assertThat(children(plugin, "executions")).as("jib bound to no lifecycle phase").isEmpty();
    assertThat(text(child(jib, "to"), "image")).isEqualTo(manifests.container().getString("image"));
  }

  private static Element jibConfiguration() {
    Element project = pom();
    for (Element profile : children(child(project, "profiles"), "profile")) {
      for (Element plugin : children(child(profile, "build", "plugins"), "plugin")) {
        if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
          assertThat(text(profile, "id")).isEqualTo("image");
          return child(plugin, "configuration");
        }
      }
    }
    throw new AssertionError("pom.xml has no profile with the jib-maven-plugin");
  }

  private static Element shadePlugin() {
    return children(child(pom(), "build", "plugins"), "plugin").stream()
        .filter(plugin -> "maven-shade-plugin".equals(text(plugin, "artifactId")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("pom.xml has no maven-shade-plugin"));
  }

  private static String pomProperty(String name) {
    return text(child(pom(), "properties"), name);
  }

  private static Element pom() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
          .getDocumentElement();
    } catch (Exception e) {
      throw new AssertionError("pom.xml does not parse: " + e.getMessage(), e);
    }
  }

  /** The element at this path of child names below {@code parent}; fails when one is missing. */
  private static Element child(Element parent, String... path) {
    Element element = parent;
    for (String name : path) {
      Element current = element;
      element = children(current, name).stream().findFirst()
          .orElseThrow(() -> new AssertionError("<" + current.getTagName() + "> has no <" + name + ">"));
    }
    return element;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }

  private static List<String> texts(Element parent, String name) {
    return children(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
  }

  /** The instructions of a Dockerfile that matter here, read line by line (no line continuations in ours). */
  private record Dockerfile(List<String> lines) {

    static Dockerfile read(Path file) {
      try {
        return new Dockerfile(Files.readAllLines(file).stream()
            .map(String::trim)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    /** The arguments of every such instruction in the final stage (after the last FROM). */
    List<String> instructions(String keyword) {
      return finalStage().stream()
          .filter(line -> line.startsWith(keyword + " "))
          .map(line -> line.substring(keyword.length() + 1).trim())
          .toList();
    }

    /** The default value of a global ARG (one before the first FROM). */
    String arg(String name) {
      return lines.stream()
          .takeWhile(line -> !line.startsWith("FROM "))
          .filter(line -> line.startsWith("ARG " + name + "="))
          .map(line -> line.substring(("ARG " + name + "=").length()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("the Dockerfile has no global ARG " + name));
    }

    String finalBase() {
      return lines.get(lastFrom()).substring("FROM ".length()).split(" ")[0];
    }

    /** The exec form of the final stage's ENTRYPOINT (a JSON array). */
    List<String> entrypoint() {
      List<String> entrypoints = instructions("ENTRYPOINT");
      assertThat(entrypoints).hasSize(1);
      return new JsonArray(entrypoints.get(0)).stream().map(String.class::cast).toList();
    }

    private List<String> finalStage() {
      return lines.subList(lastFrom() + 1, lines.size());
    }

    private int lastFrom() {
      int last = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith("FROM ")) {
          last = i;
        }
      }
      return last;
    }
  }
}
