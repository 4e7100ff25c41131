package com.example.template.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.KubernetesConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in deploy/kubernetes/ agree with the code and conf/: the ports the config binds,
 * the service Hazelcast looks for, the RBAC its discovery needs, a grace period that covers the
 * drain, a memory limit that holds the heap, the identity where the config looks for it. Each
 * test fails when one side changes without the other.
 */
class KubernetesManifestsTest {

  /** The launcher allows a draining child this long after its close window and grace (Supervisor). */
  private static final long EXIT_MARGIN_SECONDS = 5;

  /** What the JVM uses besides its heap and metaspace: GC structures, code cache, stacks, direct buffers. */
  private static final long NATIVE_MARGIN_BYTES = 128L << 20;

  /**
   * What the pods' config sets whatever conf/config.json says: Hazelcast finds the members through
   * the Kubernetes API, on a fixed port the headless service names; Prometheus scrapes the pod's
   * IP, so the management listener is on (whatever the default) and binds every interface of the pod.
   */
  private static final Map<String, Object> ON_KUBERNETES = Map.of(
      "cluster.configFile", "conf/cluster-kubernetes.xml",
      "cluster.port", 5701,
      "management.host", "0.0.0.0",
      // The pod's port is the one its Prometheus annotation names: a pod that cannot have it fails.
      "management.requirePort", true);

  /**
   * Keys the pods' config leaves to the command line: the pod's IP (-cluster-host $(POD_IP)) and
   * the identity's mount (-cluster-identity).
   */
  private static final Set<String> FROM_THE_COMMAND_LINE = Set.of("cluster.host", "cluster.identityDir");

  /**
   * conf/config.json sections the pods' config leaves out: there is no launcher on Kubernetes, and
   * the demo route that blocks an event loop keeps its default, off, whatever conf/config.json says
   * (a liveness probe that lands on a blocked loop fails; ProbePathsTest checks the route is gone).
   */
  private static final Set<String> NOT_ON_KUBERNETES = Set.of("supervisor", "demo");

  private final Manifests manifests = Manifests.load();

  @Test
  void everyManifestParsesAndTheKustomizationAppliesThemAll() throws IOException {
    try (Stream<Path> files = Files.list(Manifests.DIR)) {
      List<String> yamlFiles = files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
          .toList();
      assertThat(manifests.kustomization().getJsonArray("resources").getList())
          .containsExactlyInAnyOrderElementsOf(yamlFiles);
    }
    assertThat(manifests.resources()).allSatisfy(resource -> {
      assertThat(resource.getString("apiVersion")).isNotBlank();
      assertThat(resource.getString("kind")).isNotBlank();
      assertThat(resource.getJsonObject("metadata").getString("name")).isNotBlank();
    });
    assertThat(manifests.resources()).extracting(r -> r.getString("kind")).contains(
        "Deployment", "Service", "ServiceAccount", "Role", "RoleBinding", "PodDisruptionBudget");
  }

  @Test
  void thePodsRunTheGeneratedConfigWithTheirOwnAddress() {
    JsonObject generator = manifests.configMapGenerator();
    assertThat(manifests.volumeWith("configMap").getJsonObject("configMap").getString("name"))
        .isEqualTo(generator.getString("name"));
    String confInPod = manifests.mountPath(manifests.volumeWith("configMap").getString("name"))
        + "/" + manifests.configFile().getFileName();
    String identityInPod = manifests.mountPath(manifests.volumeWith("secret").getString("name"));

    assertThat(args()).containsExactly("-cluster", "-instances", "0", "-conf", confInPod,
        "-cluster-host", "$(POD_IP)", "-cluster-identity", identityInPod, "--node-name", "$(POD_NAME)");
    assertThat(manifests.container().getJsonArray("env").getList()).containsExactlyInAnyOrder(
        Map.of("name", "POD_IP", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "status.podIP"))),
        Map.of("name", "POD_NAME", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name"))));

    AppConfig config = podConfig();
    assertThat(config.cluster().host()).isEqualTo("10.1.2.3");
    assertThat(Path.of(config.cluster().configFile())).exists();
    assertThat(kubernetesJoin().isEnabled()).isTrue();
  }

  @Test
  void theContainerPortsAreTheOnesTheConfigBinds() {
    AppConfig config = podConfig();
    assertThat(manifests.containerPort("http")).isEqualTo(config.http().port());
    assertThat(config.cluster().port()).as("a fixed cluster port, for the headless service").isPositive();
    assertThat(manifests.containerPort("hazelcast")).isEqualTo(config.cluster().port());
    if (config.bridge().enabled()) {
      assertThat(manifests.containerPort("bridge")).isEqualTo(config.bridge().port());
    }
    assertThat(config.management().enabled()).as("the pods serve /metrics").isTrue();
    assertThat(manifests.containerPort("metrics")).isEqualTo(config.management().port());
    JsonObject annotations = manifests.deployment().getJsonObject("spec").getJsonObject("template")
        .getJsonObject("metadata").getJsonObject("annotations");
    assertThat(annotations.getString("prometheus.io/port")).isEqualTo(Integer.toString(config.management().port()));
    assertThat(annotations.getString("prometheus.io/path")).isEqualTo("/metrics");
    assertThat(manifests.container().getJsonArray("ports")).hasSize(config.bridge().enabled() ? 4 : 3);
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(manifests.container().getJsonObject(probe).getJsonObject("httpGet").getString("port"))
          .as(probe).isEqualTo("http");
    }
  }

  @Test
  void theHeadlessServiceIsTheOneHazelcastDiscovers() {
    KubernetesConfig discovery = kubernetesJoin();
    JsonObject service = manifests.get("Service", discovery.getProperty("service-name"));
    JsonObject spec = service.getJsonObject("spec");
    assertThat(spec.getString("clusterIP")).isEqualTo("None");
    // A node is ready only once it joined: discovery that saw ready pods only would split a new cluster.
    assertThat(spec.getBoolean("publishNotReadyAddresses")).isTrue();
    assertThat(discovery.getProperty("resolve-not-ready-addresses")).isEqualTo("true");
    assertThat(discovery.getProperty("expose-externally")).isEqualTo("false");
    JsonObject port = spec.getJsonArray("ports").getJsonObject(0);
    assertThat(spec.getJsonArray("ports")).hasSize(1);
    assertThat(port.getInteger("port")).isEqualTo(podConfig().cluster().port());
    // Hazelcast takes a member's port from the EndpointSlice port of this name.
    assertThat(port.getString("name")).isEqualTo("hazelcast");
    assertThat(port.getString("targetPort")).isEqualTo("hazelcast");
  }

  @Test
  void everySelectorPicksTheNodePods() {
    Map<String, Object> podLabels = manifests.deployment().getJsonObject("spec").getJsonObject("template")
        .getJsonObject("metadata").getJsonObject("labels").getMap();
    assertThat(podLabels).containsAllEntriesOf(selector(manifests.deployment().getJsonObject("spec").getJsonObject("selector")));
    for (JsonObject service : manifests.ofKind("Service")) {
      assertThat(podLabels).containsAllEntriesOf(service.getJsonObject("spec").getJsonObject("selector").getMap());
    }
    JsonObject budget = manifests.only("PodDisruptionBudget").getJsonObject("spec");
    assertThat(podLabels).containsAllEntriesOf(selector(budget.getJsonObject("selector")));
    JsonObject http = manifests.get("Service", "vertx-template-http").getJsonObject("spec");
    assertThat(http.getJsonArray("ports").getJsonObject(0).getString("targetPort")).isEqualTo("http");
  }

  @Test
  void theDiscoveryMayReadWhatHazelcastReadsAndNoMore() {
    String account = manifests.podSpec().getString("serviceAccountName");
    manifests.get("ServiceAccount", account);
    assertThat(manifests.podSpec().getBoolean("automountServiceAccountToken")).as("the discovery reads the token").isTrue();
    JsonObject binding = manifests.only("RoleBinding");
    assertThat(binding.getJsonArray("subjects").getList())
        .containsExactly(Map.of("kind", "ServiceAccount", "name", account));
    JsonObject role = manifests.get("Role", binding.getJsonObject("roleRef").getString("name"));

    // Hazelcast 5.3 lists EndpointSlices (or gets the Endpoints of the service where there are
    // none) to find the members, and gets its own pod for its node's name.
    Map<String, Set<String>> granted = new TreeMap<>();
    for (Object rule : role.getJsonArray("rules")) {
      JsonObject r = (JsonObject) rule;
      String group = r.getJsonArray("apiGroups").getString(0);
      for (Object resource : r.getJsonArray("resources")) {
        granted.put((group.isEmpty() ? "" : group + "/") + resource,
            r.getJsonArray("verbs").stream().map(String.class::cast).collect(Collectors.toSet()));
      }
    }
    assertThat(granted).isEqualTo(Map.of(
        "discovery.k8s.io/endpointslices", Set.of("get", "list"),
        "endpoints", Set.of("get", "list"),
        "pods", Set.of("get")));
  }

  @Test
  void theGracePeriodCoversThePreStopSleepAndTheWholeDrain() {
    AppConfig.Drain drain = podConfig().drain();
    long preStop = manifests.container().getJsonObject("lifecycle").getJsonObject("preStop")
        .getJsonObject("sleep").getLong("seconds");
    long grace = manifests.podSpec().getLong("terminationGracePeriodSeconds");
    long drainSeconds = ceilSeconds(drain.closeWindowMs() + drain.graceMs());

    assertThat(preStop).as("preStop sleep").isPositive();
    assertThat(grace).as("terminationGracePeriodSeconds = preStop %d s + drain %d s + exit %d s",
            preStop, drainSeconds, EXIT_MARGIN_SECONDS)
        .isGreaterThanOrEqualTo(preStop + drainSeconds + EXIT_MARGIN_SECONDS);
  }

  @Test
  void theMemoryLimitHoldsWhatTheJvmOptionsAllow() throws IOException {
    String options = Files.readString(Path.of("conf/jvm.options"));
    long heap = jvmBytes(options, "-Xmx");
    long metaspace = jvmBytes(options, "-XX:MaxMetaspaceSize=");
    JsonObject resources = manifests.container().getJsonObject("resources");
    long limit = Manifests.bytes(resources.getJsonObject("limits").getString("memory"));
    long request = Manifests.bytes(resources.getJsonObject("requests").getString("memory"));

    assertThat(limit).as("memory limit >= heap + metaspace + native margin (MiB)")
        .isGreaterThanOrEqualTo(heap + metaspace + NATIVE_MARGIN_BYTES);
    assertThat(request).isLessThanOrEqualTo(limit);
    // The JVM counts processors from the CPU limit; -instances 0 and jobs.workers 0 follow it.
    assertThat(resources.getJsonObject("limits").getString("cpu")).isNotBlank();
  }

  @Test
  void theIdentitySecretIsMountedWhereTheNodeLooksForIt() throws IOException {
    JsonObject volume = manifests.volumeWith("secret");
    assertThat(args().get(args().indexOf("-cluster-identity") + 1)).isEqualTo(manifests.mountPath(volume.getString("name")));
    assertThat(volume.getJsonObject("secret").getValue("optional")).as("a pod never starts without its identity").isNull();
    String secretName = volume.getJsonObject("secret").getString("secretName");
    String command = "kubectl create secret generic " + secretName;
    assertThat(Files.readString(Path.of("docs/OPERATIONS.md")).contains(command))
        .as("docs/OPERATIONS.md tells how to create the Secret: %s", command).isTrue();
  }

  @Test
  void thePodsConfigIsTheRepositorysWithOnlyTheKubernetesDifferences() throws IOException {
    Map<String, Object> repository = flatten(new JsonObject(Files.readString(Path.of("conf/config.json"))), "");
    Map<String, Object> pods = flatten(podConfigJson(), "");

    Map<String, Object> expected = new TreeMap<>();
    repository.forEach((key, value) -> {
      if (!NOT_ON_KUBERNETES.contains(key.substring(0, key.indexOf('.'))) && !FROM_THE_COMMAND_LINE.contains(key)) {
        expected.put(key, value);
      }
    });
    expected.putAll(ON_KUBERNETES);
    assertThat(new TreeMap<>(pods)).isEqualTo(expected);
  }

  @Test
  void updatesAndDisruptionsTakeOnePodAtATime() {
    JsonObject rolling = manifests.deployment().getJsonObject("spec").getJsonObject("strategy")
        .getJsonObject("rollingUpdate");
    assertThat(rolling.getInteger("maxUnavailable")).isZero();
    assertThat(rolling.getInteger("maxSurge")).isEqualTo(1);
    assertThat(manifests.only("PodDisruptionBudget").getJsonObject("spec").getInteger("maxUnavailable")).isEqualTo(1);
  }

  @Test
  void theNodeRunsAsANonRootUserOnAReadOnlyRootWithAWritableTmp() {
    JsonObject pod = manifests.podSpec().getJsonObject("securityContext");
    assertThat(pod.getBoolean("runAsNonRoot")).isTrue();
    assertThat(pod.getInteger("runAsUser")).isPositive();
    assertThat(manifests.container().getJsonObject("securityContext").getBoolean("readOnlyRootFilesystem")).isTrue();
    // Netty unpacks its native library into java.io.tmpdir, and Vert.x keeps its file cache there.
    assertThat(manifests.mountPath(manifests.volumeWith("emptyDir").getString("name"))).isEqualTo("/tmp");
  }

  private List<Object> args() {
    return manifests.container().getJsonArray("args").getList();
  }

  /**
   * The config a pod runs with: the generated ConfigMap's file, then the flags of its args (but
   * -cluster-identity, whose directory is checked on its own).
   */
  private AppConfig podConfig() {
    JsonObject flags = new JsonObject()
        .put("http", new JsonObject().put("instances", Integer.parseInt((String) args().get(args().indexOf("-instances") + 1))))
        .put("cluster", new JsonObject().put("host", "10.1.2.3"));
    return new ConfigLoader(Path.of(".")).load(manifests.configFile().toString(), Map.of(), flags);
  }

  private JsonObject podConfigJson() {
    try {
      return new JsonObject(Files.readString(manifests.configFile()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private KubernetesConfig kubernetesJoin() {
    try {
      return new FileSystemXmlConfig(podConfig().cluster().configFile())
          .getNetworkConfig().getJoin().getKubernetesConfig();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Object> selector(JsonObject selector) {
    return selector.getJsonObject("matchLabels").getMap();
  }

  private static long ceilSeconds(long millis) {
    return (millis + 999) / 1000;
  }

  /** A size flag of conf/jvm.options (-Xmx256m, -XX:MaxMetaspaceSize=128m) in bytes. */
  private static long jvmBytes(String options, String flag) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(flag) + "(\\d+)([kKmMgG]?)$").matcher(options);
    assertThat(m.find()).as("conf/jvm.options sets " + flag).isTrue();
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase()) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }

  private static Map<String, Object> flatten(JsonObject json, String prefix) {
    Map<String, Object> flat = new TreeMap<>();
    json.forEach(entry -> {
      if (entry.getValue() instanceof JsonObject nested) {
        flat.putAll(flatten(nested, prefix + entry.getKey() + "."));
      } else {
        flat.put(prefix + entry.getKey(), entry.getValue() instanceof JsonArray array ? array.getList() : entry.getValue());
      }
    });
    return flat;
  }
}
