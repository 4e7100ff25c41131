package com.example.template.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A second deployment on the host meets the first one's management port: by default it still
 * starts, on a free port it names; with {@code management.requirePort} it refuses, as for the
 * HTTP port.
 */
class ManagementListenerTest {

  private Vertx vertx;
  private Meters meters;
  private ServerSocket squatter;

  @BeforeEach
  void setUp() throws Exception {
    meters = new Meters(List.of("work.busy"));
    vertx = meters.attach(meters.builder(new VertxOptions()).build());
    squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void tearDown() throws Exception {
    squatter.close();
    await(vertx.close());
  }

  @Test
  void aTakenPortMovesTheListenerToAFreeOneThatServesMetrics() throws Exception {
    ManagementVerticle listener = ManagementVerticle.forNode("127.0.0.1", squatter.getLocalPort(), false, meters);

    await(vertx.deployVerticle(listener));

    assertThat(listener.port()).isPositive().isNotEqualTo(squatter.getLocalPort());
    WebClient client = WebClient.create(vertx);
    var response = await(client.get(listener.port(), "127.0.0.1", ManagementVerticle.PATH).send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("jvm_threads_live_threads");
  }

  @Test
  void aRequiredPortThatIsTakenFailsTheStart() {
    ManagementVerticle listener = ManagementVerticle.forNode("127.0.0.1", squatter.getLocalPort(), true, meters);

    assertThatThrownBy(() -> await(vertx.deployVerticle(listener)))
        .hasMessageContaining("in use")
        .hasMessage("cannot listen on 127.0.0.1:" + squatter.getLocalPort() + " (management): address already in use");
  }

  private static <T> T await(Future<T> future) throws TimeoutException {
    return future.await(20, TimeUnit.SECONDS);
  }
}
