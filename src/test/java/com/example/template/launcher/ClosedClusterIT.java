package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.support.JarProcess;
import com.example.template.support.ListeningSockets;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import com.example.template.work.BusyJob;

/**
 * A launcher with the default config is a closed cluster, seen from another process on the host:
 * its secret (cluster name and event-bus key) is on no command line, in no environment and in no
 * log line; an
 * outsider that joins Hazelcast at the launcher's very address, with the old default name or any
 * word it can read from the processes' command lines, is refused and sees only itself; and
 * nothing of the deployment listens beyond loopback but the HTTP port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClosedClusterIT {

  private static final String PREFIX = "closed-it";

  private final ClusterFixture cluster = new ClusterFixture(new JsonObject()
      .put("cluster", new JsonObject().put("name", PREFIX)));
  private JarProcess launcher;
  private String launcherAddress;
  private List<Long> pids;

  @BeforeAll
  void startCluster() {
    launcher = cluster.launch(2);
    launcher.awaitLines(ClusterFixture.ONLINE, 2, Duration.ofSeconds(90));
    launcherAddress = launcher.awaitLine(Outsider.LAUNCHER_ADDRESS, Duration.ofSeconds(10)).group(1);
    pids = new ArrayList<>(List.of(launcher.pid(), cluster.child(1).getLong("pid"), cluster.child(2).getLong("pid")));
  }

  @AfterAll
  void stopCluster() {
    launcher.close();
  }

  @Test
  void noSecretIsOnACommandLineInAnEnvironmentOrInTheLogs() throws IOException {
    Pattern secretName = Pattern.compile(PREFIX + "-[0-9a-f]{32}");
    for (long pid : pids) {
      for (String file : new String[] {"cmdline", "environ"}) {
        String text = read(Path.of("/proc", Long.toString(pid), file));
        assertThat(text).as("/proc/%d/%s", pid, file)
            .doesNotContainPattern(secretName)
            .doesNotContain("PRIVATE KEY", "CERTIFICATE");
      }
    }
    assertThat(launcher.output()).as("what the launcher and its children logged").doesNotContainPattern(secretName);
  }

  @Test
  void anOutsiderJoiningWithAnyNameItCanReadSeesOnlyItself() throws Exception {
    Set<String> names = new LinkedHashSet<>(List.of("vertx-template", PREFIX));
    for (long pid : pids) {
      // Every word on the command lines that could pass for a name (flags aside).
      Arrays.stream(read(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"))
          .filter(word -> !word.isEmpty() && !word.startsWith("-") && word.length() < 100)
          .forEach(names::add);
    }
    for (String name : names) {
      assertThat(Outsider.membersSeen(name, launcherAddress)).as("members seen when joining as '%s'", name).isEqualTo(1);
    }

    Outsider.Member outsider = Outsider.vertx("vertx-template", launcherAddress, null);
    try {
      Throwable refused = outsider.vertx().eventBus()
          .request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), new DeliveryOptions().setSendTimeout(5_000))
          .map(reply -> (Throwable) null).otherwise(failure -> failure)
          .await(10, TimeUnit.SECONDS);
      assertThat(refused).isInstanceOfSatisfying(ReplyException.class,
          e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    } finally {
      outsider.close();
    }
  }

  @Test
  void nothingListensBeyondLoopbackButTheHttpPort() {
    for (long pid : pids) {
      List<ListeningSockets.Listener> listeners = ListeningSockets.of(pid);
      // Hazelcast and the event bus in every process, HTTP in the children: never nothing.
      assertThat(listeners).as("sockets of pid %d", pid).hasSizeGreaterThanOrEqualTo(2);
      assertThat(listeners).as("sockets of pid %d", pid)
          .allSatisfy(listener -> assertThat(listener.address().isLoopbackAddress() || listener.port() == cluster.httpPort)
              .as("%s is loopback or the HTTP port", listener).isTrue());
    }
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
