package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.support.FreePorts;
import com.example.template.support.JarProcess;
import com.example.template.support.ScratchDirs;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import com.example.template.work.BusyJob;

/**
 * The bridge in cluster mode, from the real jar: every child binds the one bridge port (as it
 * binds the HTTP port), bridge callers get answers from both, and the launcher still stops
 * cleanly on SIGTERM with the bridge on.
 */
class BridgeClusterIT {

  private static final Pattern ONLINE = Pattern.compile("(app-\\d+\\.\\d+) online \\(pid ");
  private static final Pattern BRIDGE_UP = Pattern.compile("bridge listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void everyChildServesTheBridgePortAndTheClusterStopsCleanly() throws Exception {
    int bridgePort = FreePorts.next();
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("port", FreePorts.next()))
        .put("jobs", new JsonObject().put("workers", 1))
        .put("bridge", new JsonObject().put("enabled", true).put("port", bridgePort))
        .put("cluster", new JsonObject().put("name", "bridge-it-" + UUID.randomUUID()))
        .put("supervisor", new JsonObject().put("runDir", ScratchDirs.create("bridge-it").toString()));
    try (JarProcess launcher = JarProcess.builder().name("launcher").env("HTTP_PORT", null)
        .args("-processes", "2", "-instances", "1", "-conf", conf.encode())
        .start()) {
      launcher.awaitLines(ONLINE, 2, Duration.ofSeconds(90));
      assertThat(launcher.awaitLines(BRIDGE_UP, 2, Duration.ofSeconds(5)))
          .allSatisfy(bridge -> assertThat(Integer.parseInt(bridge.group(1))).isEqualTo(bridgePort));

      Set<String> answeredBy = new HashSet<>();
      for (int i = 0; i < 40 && answeredBy.size() < 2; i++) {
        try (BridgeSocket client = new BridgeSocket(bridgePort)) {
          JsonObject reply = client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1));
          assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
          answeredBy.add(reply.getJsonObject("body").getString("node"));
        }
      }
      assertThat(answeredBy).as("nodes that ran bridge jobs").hasSize(2);

      launcher.signal("TERM");
      assertThat(launcher.awaitExit(Duration.ofSeconds(30))).as(launcher.output()).isZero();
      assertThat(launcher.output()).doesNotContain("killing it");
    }
  }
}
