package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.Conditions;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Children never outlive their launcher, even when it is killed without a chance to clean up. */
class LauncherDeathIT {

  @Test
  void killingTheLauncherWithSigkillLeavesNoChildRunning() {
    ClusterFixture cluster = new ClusterFixture(new JsonObject());
    try (JarProcess launcher = cluster.launch(2)) {
      List<Long> children = launcher.awaitLines(ClusterFixture.ONLINE, 2, Duration.ofSeconds(60)).stream()
          .map(match -> Long.parseLong(match.group(2)))
          .toList();
      children.forEach(pid -> assertThat(ProcessHandle.of(pid)).as("child " + pid).isPresent());

      launcher.signal("KILL");

      Conditions.await("every child to exit", Duration.ofSeconds(20), () ->
          children.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }
  }

}
