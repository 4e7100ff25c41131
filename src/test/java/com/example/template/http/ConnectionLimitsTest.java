package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client can hold on a node, over raw sockets: a connection that sends nothing, trickles
 * its head or its body, or stays after its answer is cut at its limit, and connections beyond
 * the cap are closed at once. The limits are short here (hundreds of ms) so the test is quick;
 * each cut must come after its limit and well before twice it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {

  private static final long HEAD_MS = 600;
  private static final long IDLE_MS = 900;
  private static final long BODY_MS = 600;
  private static final String SHORT_LIMITS = """
      {"http": {"port": 0, "instances": 1, "headTimeoutMs": %d, "idleTimeoutMs": %d, "bodyTimeoutMs": %d},
       "jobs": {"workers": 1, "timeoutMs": 5000}}""".formatted(HEAD_MS, IDLE_MS, BODY_MS);
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeadTimeout(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, SHORT_LIMITS).await(20, TimeUnit.SECONDS);
    try (RawConnection client = new RawConnection(node.httpPort())) {
      assertThat(client.awaitClose(BOUND)).isTrue();
      assertThat(client.ageMs()).isBetween(HEAD_MS, 2 * HEAD_MS);
      assertThat(client.received()).isEmpty();
    }
  }

  @Test
  void aHeadTrickledAByteAtATimeIsCutAtTheHeadTimeout(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, SHORT_LIMITS).await(20, TimeUnit.SECONDS);
    try (RawConnection client = new RawConnection(node.httpPort())) {
      // Every byte is activity to an idle timeout: 100 ms apart, this head takes over 3 s.
      boolean cut = client.trickle("GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: " + "a".repeat(20) + "\r\n\r\n",
          Duration.ofMillis(100));

      assertThat(cut).as("cut before the head was complete").isTrue();
      assertThat(client.ageMs()).isBetween(HEAD_MS, 2 * HEAD_MS);
      assertThat(client.received()).isEmpty();
    }
  }

  @Test
  void aKeptAliveConnectionMustSendItsNextHeadWithinTheIdleTimeout(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, SHORT_LIMITS).await(20, TimeUnit.SECONDS);
    try (RawConnection idle = new RawConnection(node.httpPort());
        RawConnection trickling = new RawConnection(node.httpPort())) {
      idle.send(HELLO);
      trickling.send(HELLO);
      assertThat(idle.awaitReceived("Hi there", BOUND)).isTrue();
      assertThat(trickling.awaitReceived("Hi there", BOUND)).isTrue();
      long answeredMs = idle.ageMs();

      boolean cut = trickling.trickle(HELLO.repeat(5), Duration.ofMillis(50));

      assertThat(cut).as("a trickled second head is cut too").isTrue();
      assertThat(trickling.ageMs() - answeredMs).isBetween(IDLE_MS - 100, 2 * IDLE_MS);
      assertThat(idle.awaitClose(BOUND)).isTrue();
      assertThat(idle.ageMs() - answeredMs).as("idle after its answer").isBetween(IDLE_MS - 100, 2 * IDLE_MS);
    }
  }

  @Test
  void aBodyTrickledAByteAtATimeGetsA408AtTheBodyTimeout(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, SHORT_LIMITS).await(20, TimeUnit.SECONDS);
    String body = "{\"password\":\"pw\",\"iterations\":1000}";
    try (CapturedLog log = new CapturedLog(); RawConnection client = new RawConnection(node.httpPort())) {
      client.send("POST /work/hash HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n");
      long headSentMs = client.ageMs();

      boolean cut = client.trickle(body, Duration.ofMillis(100));

      assertThat(cut).isTrue();
      assertThat(client.ageMs() - headSentMs).isBetween(BODY_MS, 2 * BODY_MS);
      assertThat(client.status()).as(client.received()).isEqualTo(408);
      assertThat(client.received()).endsWith("{\"error\":\"the request body did not arrive in time\"}");
      assertThat(log.errors()).isEmpty();
    }
  }

  @Test
  void aRequestWaitingForItsJobIsNotCutByAnyOfTheseLimits(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, SHORT_LIMITS).await(20, TimeUnit.SECONDS);
    long jobMs = 2 * IDLE_MS;
    try (RawConnection client = new RawConnection(node.httpPort())) {
      client.send("GET /work/busy?ms=" + jobMs + " HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(client.awaitReceived("\"elapsedMs\"", BOUND)).as(client.received()).isTrue();
      assertThat(client.status()).isEqualTo(200);
      assertThat(client.ageMs()).isGreaterThanOrEqualTo(jobMs);
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnce(Vertx vertx) throws Exception {
    int cap = 3;
    Node node = TestNodes.deploy(vertx, """
        {"http": {"port": 0, "instances": 2, "maxConnections": %d}, "jobs": {"workers": 1}}""".formatted(cap))
        .await(20, TimeUnit.SECONDS);
    List<RawConnection> held = new ArrayList<>();
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < cap; i++) {
        RawConnection connection = new RawConnection(node.httpPort());
        held.add(connection);
        connection.send(HELLO);
        assertThat(connection.awaitReceived("Hi there", BOUND)).isTrue();
      }

      try (RawConnection beyond = new RawConnection(node.httpPort())) {
        assertThat(beyond.awaitClose(BOUND)).as("closed by the node").isTrue();
        assertThat(beyond.ageMs()).as("at once, not at a timeout").isLessThan(1_000);
        assertThat(beyond.received()).isEmpty();
      }
      assertThat(log.at(ch.qos.logback.classic.Level.WARN)).containsExactly(
          cap + " connections open, the most this node takes (http.maxConnections): closing new ones");

      held.remove(0).close();
      assertThat(TestNodes.eventually(vertx, () -> node.state().openConnections() < cap, 5_000)
          .await(10, TimeUnit.SECONDS)).isNull();
      try (RawConnection again = new RawConnection(node.httpPort())) {
        again.send(HELLO);
        assertThat(again.awaitReceived("Hi there", BOUND)).as("taken again once one closed").isTrue();
      }
    } finally {
      held.forEach(RawConnection::close);
    }
  }
}
