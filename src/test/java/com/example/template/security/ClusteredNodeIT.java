package com.example.template.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.template.runtime.ExitCodes;
import com.example.template.support.JarProcess;
import com.example.template.support.ListeningSockets;
import com.example.template.support.ScratchDirs;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A node clustered by hand ({@code bin/run.sh -cluster}), and a launcher off loopback (whose
 * cluster spans hosts), join only with the operator's identity, or with the explicit, loudly
 * logged opt-out; and off loopback, as on it, Hazelcast and the event bus listen on
 * {@code cluster.host} alone.
 *
 * <p>"Off loopback" runs in a network namespace of its own (root only) whose loopback interface
 * also carries {@value #OFF_LOOPBACK}, an address that is not a loopback address: the node binds
 * it as it would a host's private address, and no traffic leaves the namespace.
 */
class ClusteredNodeIT {

  private static final String OFF_LOOPBACK = "198.51.100.7"; // TEST-NET-2, never routed
  private static final Pattern METRICS_AT = Pattern.compile("metrics: http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern INSECURE_WARNING = Pattern.compile("WARN .*cluster\\.insecure is true: joining cluster 'it-insecure-\\d+' without a private identity");

  @Test
  void theIdentityVerbMakesAnOwnerOnlyDirectoryAndNeverOverwritesIt() throws IOException {
    Path dir = ScratchDirs.create("identity-verb").resolve("identity");
    try (JarProcess verb = JarProcess.start("identity", dir.toString())) {
      assertThat(verb.awaitExit(Duration.ofSeconds(60))).as(verb.output()).isZero();
    }
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("tls.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    ClusterIdentity made = ClusterIdentity.load(dir);
    assertThat(made.name()).matches("vertx-template-[0-9a-f]{32}");

    try (JarProcess again = JarProcess.start("identity", dir.toString())) {
      assertThat(again.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(again.stderr()).singleElement().asString().startsWith("error: " + dir + " already holds an identity");
    }
    assertThat(ClusterIdentity.load(dir)).isEqualTo(made);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", OFF_LOOPBACK})
  void withoutAnIdentityItRefusesToStartAndSaysWhatToSet(String host) {
    try (JarProcess node = JarProcess.start("-cluster", "-cluster-host", host)) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).as(node.output()).isEqualTo(ExitCodes.USAGE);
      assertThat(node.stderr()).containsExactly("error: a clustered node needs a private identity: "
          + "set cluster.identityDir to a directory made by 'bin/run.sh identity DIR' (the same one on every node), "
          + "or cluster.insecure to true to run without one");
    }
  }

  @Test
  void aLauncherOffLoopbackWithoutAnIdentityRefusesToStart() throws IOException {
    // Off loopback a launcher's cluster spans hosts, which must share the operator's identity.
    String conf = new JsonObject().put("http", new JsonObject().put("port", 0))
        .put("supervisor", new JsonObject().put("runDir", ScratchDirs.create("launcher-off-loopback").toString()))
        .encode();
    try (JarProcess launcher = JarProcess.start("-processes", "1", "-cluster-host", OFF_LOOPBACK, "-conf", conf)) {
      assertThat(launcher.awaitExit(Duration.ofSeconds(60))).as(launcher.output()).isEqualTo(ExitCodes.USAGE);
      assertThat(launcher.stderr()).singleElement().asString()
          .startsWith("error: a clustered node needs a private identity: set cluster.identityDir");
    }
  }

  @Test
  void aLauncherGivenAClusterHostThatIsNotHereSaysSoInOneLineAndForksNothing() throws IOException {
    Path dir = ScratchDirs.create("clustered-node-it").resolve("identity");
    ClusterIdentity.generate("it").write(dir);
    String conf = new JsonObject().put("http", new JsonObject().put("port", 0))
        .put("supervisor", new JsonObject().put("runDir", ScratchDirs.create("launcher-not-here").toString()))
        .encode();
    // TEST-NET-3, on no interface here: a typo of the operator's.
    try (JarProcess launcher = JarProcess.start("-processes", "1", "-cluster-host", "203.0.113.9",
        "-cluster-identity", dir.toString(), "-conf", conf)) {
      assertThat(launcher.awaitExit(Duration.ofSeconds(60))).as(launcher.output()).isEqualTo(ExitCodes.USAGE);
      assertThat(launcher.stderr()).singleElement().asString()
          .startsWith("error: cluster.host (-cluster-host) 203.0.113.9 is not an address of this host")
          .contains("127.0.0.1");
      assertThat(launcher.output()).doesNotContain("started, pid").doesNotContain("Exception");
    }
  }

  @Test
  void offLoopbackWithAnIdentityItListensOnClusterHostAlone() throws IOException {
    Path dir = ScratchDirs.create("clustered-node-it").resolve("identity");
    ClusterIdentity.generate("it").write(dir);
    try (JarProcess node = inNamespace(OFF_LOOPBACK, "-cluster", "-instances", "1", "-cluster-host", OFF_LOOPBACK,
        "-cluster-identity", dir.toString())) {
      int httpPort = node.awaitHttpPort(Duration.ofSeconds(90));
      assertListensOnClusterHostAlone(node, httpPort);
      assertThat(node.output()).doesNotContain("cluster.insecure");
    }
  }

  @Test
  void theOptOutStartsOffLoopbackAndWarnsAtEveryStart() {
    String conf = new JsonObject().put("cluster", new JsonObject()
        .put("name", "it-insecure-" + ProcessHandle.current().pid()).put("insecure", true)).encode();
    for (int start = 1; start <= 2; start++) {
      try (JarProcess node = inNamespace(OFF_LOOPBACK, "-cluster", "-instances", "1", "-cluster-host", OFF_LOOPBACK,
          "-conf", conf)) {
        int httpPort = node.awaitHttpPort(Duration.ofSeconds(90));
        node.awaitLine(INSECURE_WARNING, Duration.ofSeconds(5));
        assertListensOnClusterHostAlone(node, httpPort);
      }
    }
  }

  @Test
  void aLauncherOffLoopbackWithTheOptOutRunsItsChildrenWithoutAnIdentityAndWarns() throws IOException {
    String conf = new JsonObject().put("http", new JsonObject().put("port", 0))
        .put("cluster", new JsonObject().put("name", "it-insecure-" + ProcessHandle.current().pid()).put("insecure", true))
        .put("supervisor", new JsonObject().put("runDir", ScratchDirs.create("launcher-insecure").toString()))
        .encode();
    try (JarProcess launcher = inNamespace(OFF_LOOPBACK, "-processes", "1", "-instances", "1",
        "-cluster-host", OFF_LOOPBACK, "-conf", conf)) {
      launcher.awaitLine(Pattern.compile("app-1\\.1 online"), Duration.ofSeconds(90));
      launcher.awaitLine(INSECURE_WARNING, Duration.ofSeconds(5));
      int httpPort = launcher.awaitHttpPort(Duration.ofSeconds(5));
      long child = launcher.awaitLine(Pattern.compile("app-1\\.1 started, pid (\\d+)"), Duration.ofSeconds(5)).group(1)
          .transform(Long::parseLong);
      assertThat(launcher.output()).contains("no identity (cluster.insecure)");
      assertListensOnClusterHostAlone(launcher, launcher.pid(), httpPort);
      assertListensOnClusterHostAlone(launcher, child, httpPort);
    }
  }

  private static void assertListensOnClusterHostAlone(JarProcess node, int httpPort) {
    assertListensOnClusterHostAlone(node, node.pid(), httpPort);
  }

  /**
   * Hazelcast and the event bus listen on the cluster host alone; besides them only the HTTP port
   * (on {@code http.host}) and the management listener, which stays on loopback
   * ({@code management.host}), where the output's "metrics: http://127.0.0.1:PORT" line says.
   */
  private static void assertListensOnClusterHostAlone(JarProcess output, long pid, int httpPort) {
    List<Integer> managementPorts = output.lines().stream().map(line -> METRICS_AT.matcher(line.text()))
        .filter(Matcher::find).map(found -> Integer.parseInt(found.group(1))).toList();
    List<ListeningSockets.Listener> listeners = ListeningSockets.of(pid);
    assertThat(listeners).as("Hazelcast and the event bus (and HTTP in a node)").hasSizeGreaterThanOrEqualTo(2);
    assertThat(listeners).allSatisfy(listener -> assertThat(
        listener.address().getHostAddress().equals(OFF_LOOPBACK) || listener.port() == httpPort
            || listener.address().isLoopbackAddress() && managementPorts.contains(listener.port()))
        .as("%s is on %s, or is the HTTP port, or the management listener on loopback (%s)",
            listener, OFF_LOOPBACK, managementPorts).isTrue());
  }

  /** The jar in a new network namespace whose loopback also carries {@code address}. */
  private static JarProcess inNamespace(String address, String... args) {
    assumeTrue(canMakeNetworkNamespaces(), "needs root and unshare(1) to make a network namespace: skipped");
    return JarProcess.builder()
        .wrapper("unshare", "--net", "sh", "-c",
            "ip link set lo up && ip addr add " + address + "/32 dev lo && exec \"$@\"", "sh")
        .args(args)
        .start();
  }

  private static boolean canMakeNetworkNamespaces() {
    try {
      Process probe = new ProcessBuilder("unshare", "--net", "ip", "link", "set", "lo", "up")
          .redirectErrorStream(true).start();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
