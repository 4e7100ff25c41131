package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.ExitCodes;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * From the real jar: a node whose bridge would listen off loopback without TLS does not start. It
 * says why in one line and exits 1, as for any other startup failure.
 */
class BridgeStartupIT {

  @Test
  void aPlainBridgeOffLoopbackStopsTheNodeWithOneErrorLine() throws Exception {
    JsonObject conf = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("jobs", new JsonObject().put("workers", 1))
        .put("bridge", new JsonObject().put("enabled", true).put("host", "0.0.0.0").put("port", 0));
    try (JarProcess node = JarProcess.builder().name("node").env("HTTP_PORT", null)
        .args("-instances", "1", "-conf", conf.encode())
        .start()) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).as("a config mistake: " + node.output()).isEqualTo(ExitCodes.USAGE);

      assertThat(node.stderr()).as(node.output()).containsExactly(
          "error: config: the bridge on 0.0.0.0:0 is not on loopback, so it needs TLS with client certificates "
              + "(bridge.tls.certFile, bridge.tls.keyFile, bridge.tls.clientCaFile), or bridge.insecure: true");
      assertThat(node.output()).doesNotContain("Exception");
    }
  }
}
