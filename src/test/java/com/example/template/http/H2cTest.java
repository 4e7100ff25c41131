package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 without TLS (h2c) is off unless {@code http.h2c} switches it on, as the README says;
 * switched on, a connection gets the configured stream limit, a client that resets streams in a
 * flood (the rapid-reset attack) is cut, and a reset stream cancels its job.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class H2cTest {

  private static final int MAX_STREAMS = 7;
  private static final int RST_FLOOD_MAX = 10;
  private static final String H2C_ON = """
      {"http": {"port": 0, "instances": 1, "h2c": true, "h2MaxConcurrentStreams": %d,
                "h2RstFloodMax": %d, "h2RstFloodWindowMs": 30000},
       "jobs": {"workers": 1, "timeoutMs": 20000}}""".formatted(MAX_STREAMS, RST_FLOOD_MAX);

  @Test
  void byDefaultPriorKnowledgeHttp2IsRefusedAndAnUpgradeIsAnsweredInHttp11(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1}}""").await(20, TimeUnit.SECONDS);

    HttpClient priorKnowledge = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    assertThatThrownBy(() -> get(priorKnowledge, node, "/hello").await(10, TimeUnit.SECONDS))
        .as("no HTTP/2 spoken").isNotNull();

    HttpClient upgrading = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2));
    HttpClientResponse answered = get(upgrading, node, "/hello").await(10, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.version()).as("Upgrade: h2c ignored").isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void switchedOnEachConnectionGetsTheStreamLimit(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, H2C_ON).await(20, TimeUnit.SECONDS);
    HttpClient client = h2(vertx);

    HttpClientResponse answered = get(client, node, "/hello").await(10, TimeUnit.SECONDS);

    assertThat(answered.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(answered.request().connection().remoteSettings().getMaxConcurrentStreams()).isEqualTo(MAX_STREAMS);
  }

  @Test
  void switchedOnAnUpgradedConnectionIsCountedOnce(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, H2C_ON).await(20, TimeUnit.SECONDS);
    HttpClient upgrading = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2));

    HttpClientResponse answered = get(upgrading, node, "/hello").await(10, TimeUnit.SECONDS);
    assertThat(answered.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(node.state().openConnections()).isEqualTo(1);
    upgrading.close().await(10, TimeUnit.SECONDS);

    TestNodes.eventually(vertx, () -> node.state().openConnections() == 0, 5_000).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatFloodsStreamResetsIsCut(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, H2C_ON).await(20, TimeUnit.SECONDS);
    HttpClient client = h2(vertx);
    HttpConnection connection = get(client, node, "/hello").await(10, TimeUnit.SECONDS).request().connection();
    Promise<Void> closed = Promise.promise();
    connection.closeHandler(v -> closed.tryComplete());

    List<Future<?>> resets = new ArrayList<>();
    for (int i = 0; i < 3 * RST_FLOOD_MAX; i++) {
      resets.add(client.request(options(node, "/hello")).compose(request -> request.sendHead().compose(v -> request.reset())));
    }
    Future.join(resets).otherwiseEmpty().await(10, TimeUnit.SECONDS);

    assertThat(closed.future().await(10, TimeUnit.SECONDS)).as("the server closed the connection").isNull();
  }

  @Test
  void aResetStreamCancelsItsJob(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, H2C_ON).await(20, TimeUnit.SECONDS);
    HttpClient client = h2(vertx);
    HttpClientRequest request = client.request(options(node, "/work/busy?ms=15000")).await(10, TimeUnit.SECONDS);
    request.end().await(10, TimeUnit.SECONDS);
    TestNodes.eventually(vertx, () -> node.inFlight().inFlight() == 1, 5_000).await(10, TimeUnit.SECONDS);
    long reset = System.nanoTime();

    request.reset().await(10, TimeUnit.SECONDS);

    TestNodes.eventually(vertx, () -> node.inFlight().inFlight() == 0, 5_000).await(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - reset)).as("the 15 s job let go").isLessThan(Duration.ofSeconds(5));
  }

  private static HttpClient h2(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  private static RequestOptions options(Node node, String uri) {
    return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.httpPort()).setURI(uri);
  }

  private static Future<HttpClientResponse> get(HttpClient client, Node node, String uri) {
    return client.request(options(node, uri)).compose(request -> request.send()
        .compose(response -> response.body().map(body -> response)));
  }
}
