package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.control.ControlClient;
import com.example.template.runtime.ExitCodes;
import com.example.template.support.Conditions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PM2's workflow: {@code start} in the background, {@code logs}, {@code stop}; and the verbs with nobody there. */
class BackgroundLauncherIT {

  @Test
  void verbsWithoutALauncherSayThereIsNone() {
    ClusterFixture cluster = new ClusterFixture(new JsonObject());
    for (String verb : new String[] {"list", "stop", "reload"}) {
      ClusterFixture.Verb result = cluster.verb(verb);
      assertThat(result.exitCode()).as(verb).isEqualTo(ExitCodes.NO_LAUNCHER);
      assertThat(result.stderr()).as(verb).singleElement().asString().startsWith("error: no launcher is running");
    }
    ClusterFixture.Verb logs = cluster.verb("logs");
    assertThat(logs.exitCode()).isEqualTo(ExitCodes.NO_LAUNCHER);
    assertThat(logs.stderr()).singleElement().asString().startsWith("error: no log at");
  }

  @Test
  void startRunsTheLauncherInTheBackgroundUntilStop() throws Exception {
    ClusterFixture cluster = new ClusterFixture(new JsonObject());
    ClusterFixture.Verb start = cluster.verb("start", "-processes", "1", "-instances", "1");
    try {
      assertThat(start.exitCode()).as(String.join("\n", start.stderr())).isZero();
      assertThat(start.stdout()).anyMatch(line -> line.startsWith("launcher started, pid "));
      assertThat(start.stdout()).anyMatch(line -> line.contains("online"));
      assertThat(Files.getPosixFilePermissions(cluster.runDir))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE);

      ClusterFixture.Verb again = cluster.verb("start", "-processes", "1");
      assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
      assertThat(again.stderr()).singleElement().asString().contains("a launcher is already running");

      ClusterFixture.Verb logs = cluster.verb("logs", "1", "-n", "200");
      assertThat(logs.exitCode()).isZero();
      assertThat(logs.stdout()).anyMatch(line -> line.startsWith("[app-1.1] ") && line.contains("ready: http"));
      // The child's lines are in its file only: its background launcher's output gets none of them.
      assertThat(Files.readString(cluster.runDir.resolve("logs/launcher.out"))).doesNotContain("ready: http");
      assertThat(cluster.verb("logs").stdout()).anyMatch(line -> line.contains("app-1.1 online"));
    } finally {
      ClusterFixture.Verb stop = cluster.verb("stop");
      assertThat(stop.exitCode()).as(String.join("\n", stop.stderr())).isZero();
    }
    Conditions.await("the socket to be removed", Duration.ofSeconds(10),
        () -> !Files.exists(cluster.runDir.resolve(ControlClient.SOCKET_FILE)));
  }
}
