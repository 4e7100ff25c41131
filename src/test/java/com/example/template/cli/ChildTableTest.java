package com.example.template.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a person reads in {@code list} and {@code show}: units, local times, a command line to paste. */
class ChildTableTest {

  private static final JsonObject CHILD = new JsonObject()
      .put("id", 1).put("name", "app-1.3").put("node", "app-1.3@3f1c2a9b").put("state", "online")
      .put("pid", 4242L).put("startedAt", 1_700_000_000_000L).put("uptimeMs", 192_000L).put("restarts", 1)
      .put("cpuPercent", 12.5).put("rssBytes", 158_754_406L).put("requests", 1234L).put("reqPerSec", 56.25)
      .put("jobsInFlight", 0).put("heapUsedBytes", 41_943_040L).put("missedHeartbeats", 0)
      .put("command", new JsonArray(List.of("java", "-Xmx256m", "-jar", "app.jar", "-conf", "{\"http\": {\"port\": 0}}")))
      .put("lastExit", new JsonObject().put("child", "app-1.2").put("code", 137).put("signal", "SIGKILL")
          .put("at", 1_700_000_100_000L))
      .put("replacements", new JsonArray().add(new JsonObject().put("at", 1_700_000_100_000L)
          .put("child", "app-1.2").put("reason", "crashed: exited with code 137")));

  @Test
  void listShowsUnitsAPersonReadsAndARate() {
    String table = ChildTable.render(new JsonArray().add(CHILD));

    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("id", "name", "pid", "state", "uptime", "restarts", "cpu", "memory", "req/s");
    assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s{2,}"))
        .containsExactly("1", "app-1.3", "4242", "online", "3m 12s", "1", "12.5%", "151.4 MB", "56.3");
  }

  @Test
  void showSaysWhenWhatAndWhyInWords() {
    String details = ChildTable.details(CHILD);

    assertThat(details)
        .containsPattern("uptime +3m 12s\n")
        .containsPattern("memory +151.4 MB resident, 40.0 MB heap used\n")
        .containsPattern("cpu +12.5%\n")
        .containsPattern("started at +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n")
        .containsPattern("last exit +app-1.2, killed by SIGKILL \\(code 137\\), at \\d{4}-")
        .contains("command            java -Xmx256m -jar app.jar -conf '{\"http\": {\"port\": 0}}'\n")
        .containsPattern("restarted or replaced \\(newest last\\):\n  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  "
            + "app-1.2: crashed: exited with code 137\n")
        .doesNotContain("rssBytes", "uptimeMs");
  }

  @Test
  void uptimeKeepsTheTwoLargestUnits() {
    assertThat(ChildTable.uptime(45_000)).isEqualTo("45s");
    assertThat(ChildTable.uptime(7_500_000)).isEqualTo("2h 5m");
    assertThat(ChildTable.uptime(3 * 86_400_000L + 4 * 3_600_000L + 59_000)).isEqualTo("3d 4h");
  }
}
