package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.node.TestHooks;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A child that cannot start (here: a test hook fails its start, as an unreachable database would;
 * the ports a child binds the launcher checks itself before forking) is retried with backoff, then
 * marked errored with the reason; the launcher stays up and says why.
 */
class StartupFailureIT {

  @Test
  void aChildThatKeepsFailingToStartIsMarkedErroredWithItsReason() throws Exception {
    ClusterFixture cluster = new ClusterFixture(new JsonObject()
        .put("supervisor", new JsonObject().put("crashLoopLimit", 2).put("restartBackoffMs", 100)));
    try (JarProcess launcher = cluster.launch(1, "-D" + TestHooks.FAIL_START_PROPERTY + "=the orders database is unreachable")) {
      launcher.awaitLine(Pattern.compile("restarting slot 1 in 100 ms"), Duration.ofSeconds(60));
      launcher.awaitLine(Pattern.compile("slot 1 errored after 2 failed starts"), Duration.ofSeconds(60));

      JsonObject slot = cluster.child(1);
      assertThat(slot.getString("state")).isEqualTo("errored");
      assertThat(slot.getString("lastError")).contains("failed to start", "the orders database is unreachable");
      assertThat(launcher.isAlive()).isTrue();

      ClusterFixture.Verb list = cluster.verb("list");
      assertThat(list.exitCode()).isZero();
      assertThat(list.stdout()).anyMatch(line -> line.contains("errored"));
      assertThat(list.stdout()).anyMatch(line -> line.startsWith("slot 1: ") && line.contains("the orders database is unreachable"));

      launcher.signal("TERM");
      assertThat(launcher.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
