package com.example.template.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.example.template.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the kubelet sees: a node started with the pods' config answers every probe path of the
 * Deployment with 200 once it is ready, and has no demo route that blocks an event loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ProbePathsTest {

  private static final List<String> PROBES = List.of("startupProbe", "livenessProbe", "readinessProbe");

  @Test
  void aReadyNodeWithThePodsConfigAnswersEveryProbe(Vertx vertx, VertxTestContext ctx) {
    Manifests manifests = Manifests.load();
    // The pods' config as it is, on a free port (HTTP_PORT, as a user would move it).
    AppConfig config = new ConfigLoader(Path.of("."))
        .load(manifests.configFile().toString(), Map.of("HTTP_PORT", "0"), new JsonObject());
    Checkpoint probed = ctx.checkpoint(PROBES.size());
    Checkpoint noDemo = ctx.checkpoint();

    Node.deploy(vertx, config, "probe-test").onComplete(ctx.succeeding(node -> {
      WebClient client = WebClient.create(vertx, new WebClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
      for (String probe : PROBES) {
        String path = manifests.container().getJsonObject(probe).getJsonObject("httpGet").getString("path");
        client.get(path).send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).as("%s: GET %s", probe, path).isEqualTo(200);
          probed.flag();
        })));
      }
      client.get("/demo/block?ms=1").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
        assertThat(response.statusCode()).isEqualTo(404);
        noDemo.flag();
      })));
    }));
  }
}
