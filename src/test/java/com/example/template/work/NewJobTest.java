package com.example.template.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.api.Jobs;
import com.example.template.bridge.BridgeSocket;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's "Add a job" steps, followed: {@link ReverseJob} is one annotated class in the test
 * sources and no other file names it, yet the node runs it, HTTP serves its route, the bridge lets
 * frames reach it and {@link JobApi} counts it public and not repeatable.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class NewJobTest {

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 1},
       "bridge": {"enabled": true, "port": 0}}""";

  @Test
  void theRegistryFindsTheAnnotatedClass() {
    assertThat(Jobs.all()).anySatisfy(job -> assertThat(job).isInstanceOf(ReverseJob.class));
    assertThat(JobApi.PUBLIC_ADDRESSES).contains(ReverseJob.ADDRESS);
    assertThat(JobApi.REPEATABLE).doesNotContain(ReverseJob.ADDRESS).contains(BusyJob.ADDRESS);
  }

  @Test
  void aNodeRunsItOverTheEventBusHttpAndTheBridge(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);
    JsonObject job = new JsonObject().put("text", "abc");

    JsonObject overBus = vertx.eventBus().<JsonObject>request(ReverseJob.ADDRESS, job)
        .await(10, TimeUnit.SECONDS).body();
    assertThat(overBus.getString("reversed")).isEqualTo("cba");

    HttpResponse<?> overHttp = TestNodes.client(vertx, node).post("/work/reverse")
        .sendJsonObject(job).await(10, TimeUnit.SECONDS);
    assertThat(overHttp.statusCode()).isEqualTo(200);
    assertThat(overHttp.bodyAsJsonObject().getString("reversed")).isEqualTo("cba");
    assertThat(overHttp.getHeader("X-Request-Id")).isNotBlank();

    HttpResponse<?> refused = TestNodes.client(vertx, node).post("/work/reverse")
        .sendJsonObject(new JsonObject().put("text", "")).await(10, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("'text'");

    try (BridgeSocket bridge = new BridgeSocket(node.bridgePort())) {
      JsonObject answer = bridge.request(ReverseJob.ADDRESS, job);
      assertThat(answer.getString("type")).as("bridge answer %s", answer).isEqualTo("message");
      assertThat(answer.getJsonObject("body").getString("reversed")).isEqualTo("cba");
    }
  }
}
