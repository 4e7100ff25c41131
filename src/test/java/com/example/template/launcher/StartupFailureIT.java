package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A child that cannot start (here: its bridge port is held by another program; the HTTP port the
 * launcher checks itself before forking) is retried with
 * backoff, then marked errored with the reason; the launcher stays up and says why.
 */
class StartupFailureIT {

  @Test
  void aChildThatKeepsFailingToStartIsMarkedErroredWithItsReason() throws Exception {
    int bridgePort = ClusterFixture.freePort();
    ClusterFixture cluster = new ClusterFixture(new JsonObject()
        .put("bridge", new JsonObject().put("enabled", true).put("port", bridgePort))
        .put("supervisor", new JsonObject().put("crashLoopLimit", 2).put("restartBackoffMs", 100)));
    // A plain listener without SO_REUSEPORT: no child can share this port with it.
    try (ServerSocket squatter = new ServerSocket();
         JarProcess launcher = startWithPortTaken(cluster, squatter, bridgePort)) {
      launcher.awaitLine(Pattern.compile("restarting slot 1 in 100 ms"), Duration.ofSeconds(60));
      launcher.awaitLine(Pattern.compile("slot 1 errored after 2 failed starts"), Duration.ofSeconds(60));

      JsonObject slot = cluster.child(1);
      assertThat(slot.getString("state")).isEqualTo("errored");
      assertThat(slot.getString("lastError")).contains("failed to start", "address already in use");
      assertThat(launcher.isAlive()).isTrue();

      ClusterFixture.Verb list = cluster.verb("list");
      assertThat(list.exitCode()).isZero();
      assertThat(list.stdout()).anyMatch(line -> line.contains("errored"));
      assertThat(list.stdout()).anyMatch(line -> line.startsWith("slot 1: ") && line.contains("address already in use"));

      launcher.signal("TERM");
      assertThat(launcher.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }

  private static JarProcess startWithPortTaken(ClusterFixture cluster, ServerSocket squatter, int port) throws Exception {
    squatter.bind(new InetSocketAddress("127.0.0.1", port));
    return cluster.launch(1);
  }
}
