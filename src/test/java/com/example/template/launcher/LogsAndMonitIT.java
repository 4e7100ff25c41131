package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.Conditions;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A foreground launcher's log files and the verbs that read them ({@code logs}) or the control
 * socket ({@code monit}), on the real jar.
 */
class LogsAndMonitIT {

  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void logsAndMonitShowTheLauncherAndEachChild() throws Exception {
    ClusterFixture cluster = new ClusterFixture(new JsonObject());
    Path logs = cluster.runDir.resolve("logs");
    try (JarProcess launcher = cluster.launch(2)) {
      // The foreground console still shows every child's lines.
      launcher.awaitLines(Pattern.compile("^\\[app-[12]\\.1\\] .*ready: http"), 2, START);
      Conditions.await("both children online", START, () -> cluster.children().stream()
          .map(JsonObject.class::cast).allMatch(c -> "online".equals(c.getString("state"))));

      ClusterFixture.Verb slot = cluster.verb("logs", "1", "--lines", "5");
      assertThat(slot.exitCode()).as(String.join("\n", slot.stderr())).isZero();
      assertThat(slot.stdout()).hasSizeBetween(1, 5).allMatch(line -> line.startsWith("[app-1.1] "));
      assertThat(cluster.verb("logs", "app-2.1", "-n", "200").stdout())
          .allMatch(line -> line.startsWith("[app-2.1] "))
          .anyMatch(line -> line.contains("ready: http"));
      assertThat(cluster.verb("logs").stdout())
          .anyMatch(line -> line.contains("app-1.1 online"))
          .noneMatch(line -> line.startsWith("[app-"));
      assertThat(cluster.verb("logs", "app-x").exitCode()).isEqualTo(2);
      assertThat(cluster.verb("show", "1").stdout())
          .anyMatch(line -> line.startsWith("log file") && line.endsWith(logs.resolve("app-1.log").toString()));

      ClusterFixture.Verb monit = cluster.verb("monit", "--count", "2");
      assertThat(monit.exitCode()).as(String.join("\n", monit.stderr())).isZero();
      assertThat(monit.stdout()).hasSize(4);
      for (String name : List.of("app-1.1", "app-2.1")) {
        assertThat(monit.stdout()).filteredOn(line -> line.contains(" name=" + name + " "))
            .hasSize(2)
            .allMatch(line -> line.contains(" state=online ") && line.matches(".* loopdelay=[0-9.]+ms .*"));
      }
      assertThat(monit.stdout().stream().map(line -> line.substring(0, 8)).distinct()).as("two refreshes").hasSize(2);

      // On a terminal (script gives it a pseudo-terminal): the alternate screen, a row per child,
      // the launcher's lines below, and the screen given back at the end.
      Path conf = Files.writeString(cluster.runDir.resolve("monit-conf.json"), cluster.conf);
      try (JarProcess dashboard = JarProcess.builder().name("monit-pty").env("HTTP_PORT", null)
          .wrapper("sh", "-c", "exec script -qec \"$*\" /dev/null", "sh")
          .args("monit", "--count", "2", "-conf", conf.toString()).start()) {
        assertThat(dashboard.awaitExit(Duration.ofSeconds(60))).as(dashboard.output()).isZero();
        String screen = String.join("\n", dashboard.stdout());
        assertThat(screen).startsWith("\033[?1049h").endsWith("\033[?1049l")
            .contains("app-1.1", "app-2.1", "latest launcher events", " online (pid ");
        assertThat(screen.split("\033\\[H\033\\[2J", -1)).as("two refreshes").hasSize(3);
      }

      try (JarProcess follower = JarProcess.builder().name("logs-f").env("HTTP_PORT", null)
          .args("logs", "-f", "-n", "0", "-conf", cluster.conf).start()) {
        assertThat(cluster.verb("stop").exitCode()).isZero();
        follower.awaitLine(Pattern.compile("launcher stopped"), Duration.ofSeconds(60));
        launcher.awaitExit(Duration.ofSeconds(60));
        // Logback's roll: the file renamed, a new one begun.
        Path log = logs.resolve("launcher.log");
        Files.writeString(log, "last line before the roll\n", StandardOpenOption.APPEND);
        Files.move(log, logs.resolve("launcher.log.1"));
        Files.writeString(log, "first line after the roll\n");
        follower.awaitLine(Pattern.compile("^first line after the roll$"), Duration.ofSeconds(10));
        assertThat(follower.stdout()).contains("last line before the roll").doesNotHaveDuplicates();
      }
    }
    assertThat(logs.resolve("launcher.out")).doesNotExist(); // a foreground launcher's output is its terminal
  }
}
