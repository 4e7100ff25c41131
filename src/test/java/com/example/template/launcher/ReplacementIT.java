package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.node.TestHooks;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What neither Node's cluster module nor PM2 does: a child whose event loop is blocked is
 * noticed through missed heartbeats and replaced; a child over the memory limit is replaced
 * (PM2's max_memory_restart), its successor ready before it drains.
 */
class ReplacementIT {

  @Test
  void aChildWithABlockedEventLoopIsReplaced() {
    ClusterFixture cluster = new ClusterFixture(new JsonObject().put("supervisor",
        new JsonObject().put("heartbeatIntervalMs", 300).put("heartbeatMisses", 3)));
    try (JarProcess launcher = cluster.launch(1, "-D" + TestHooks.BLOCK_MS_PROPERTY + "=30000")) {
      launcher.awaitLines(ClusterFixture.ONLINE, 1, Duration.ofSeconds(60));
      long blocked = cluster.child(1).getLong("pid");

      // The test hook blocks the child's event loops for 30 s: the heartbeats stop being answered.
      JarProcess.signal(blocked, "USR1");

      launcher.awaitLine(Pattern.compile("app-1\\.1 missed 3 heartbeats in a row"), Duration.ofSeconds(20));
      launcher.awaitLine(Pattern.compile("app-1\\.2 online"), Duration.ofSeconds(60));
      assertThat(ProcessHandle.of(blocked).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(cluster.child(1).getInteger("restarts")).isEqualTo(1);
    }
  }

  @Test
  void aChildOverTheMemoryLimitIsReplacedWithoutDowntime() {
    // Any JVM is over 1 MB: the first child is replaced as soon as it has been measured.
    ClusterFixture cluster = new ClusterFixture(new JsonObject().put("supervisor",
        new JsonObject().put("maxMemoryMb", 1)));
    try (JarProcess launcher = cluster.launch(1)) {
      launcher.awaitLine(Pattern.compile("app-1\\.1 uses \\d+ MB, over the 1 MB limit: replacing it"),
          Duration.ofSeconds(60));
      int mark = launcher.lineCount();
      // The replacement is online before the old child is told to drain.
      launcher.awaitLineAfter(mark, Pattern.compile("app-1\\.2 online"), Duration.ofSeconds(60));
      launcher.awaitLineAfter(mark, Pattern.compile("app-1\\.1 draining"), Duration.ofSeconds(10));
      int online = indexOf(launcher, "app-1.2 online");
      int draining = indexOf(launcher, "app-1.1 draining");
      assertThat(online).isLessThan(draining);
    }
  }

  private static int indexOf(JarProcess process, String text) {
    var lines = process.lines();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).text().contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
