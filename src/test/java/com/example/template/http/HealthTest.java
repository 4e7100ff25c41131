package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobClient;
import com.example.template.node.NodeState;
import com.example.template.support.TestNodes;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The probes an orchestrator polls: live while the process runs, ready only while the node takes
 * traffic. (Draining is in {@code NodeDrainTest}.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class HealthTest {

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1}}""";

  @Test
  void aReadyNodeIsLiveAndReady(Vertx vertx, VertxTestContext ctx) {
    Checkpoint live = ctx.checkpoint();
    Checkpoint ready = ctx.checkpoint();

    TestNodes.deploy(vertx, CONFIG).onComplete(ctx.succeeding(node -> {
      WebClient client = TestNodes.client(vertx, node);
      client.get("/health/live").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
        live.flag();
      })));
      client.get("/health/ready").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("outcome")).isEqualTo("UP");
        ready.flag();
      })));
    }));
  }

  /** Served through the router seam, with a node state that has not finished starting. */
  @Test
  void aStartingNodeIsLiveButNotReady(Vertx vertx, VertxTestContext ctx) {
    Checkpoint live = ctx.checkpoint();
    Checkpoint notReady = ctx.checkpoint();
    NodeState starting = new NodeState();

    vertx.createHttpServer()
        .requestHandler(Routes.create(vertx, TestNodes.config(CONFIG), new JobClient(vertx, null, 1_000, 1), new InFlightLimit(1), starting))
        .listen(0, "127.0.0.1")
        .onComplete(ctx.succeeding(server -> {
          WebClient client = WebClient.create(vertx, new WebClientOptions()
              .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
          client.get("/health/live").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(200);
            live.flag();
          })));
          client.get("/health/ready").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
            assertThat(TestNodes.readinessCheck(response.bodyAsJsonObject()))
                .isEqualTo(new JsonObject().put("id", "node").put("status", "DOWN")
                    .put("data", new JsonObject().put("phase", "STARTING")));
            notReady.flag();
          })));
        }));
  }
}
