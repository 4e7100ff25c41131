package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A draining node closes its listener before anything else (see {@link Listener}): a new
 * connection is refused, so in a launcher's SO_REUSEPORT group it goes to a sibling, while a
 * connection accepted a moment before the drain, its request still on the way, gets that request
 * read and answered (with {@code Connection: close}) instead of being closed as idle. Vert.x's own
 * shutdown closed such a connection: the failed requests of a reload under load.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerTest {

  // A close window far longer than the test: whatever is answered, is answered inside it.
  private static final String LONG_WINDOW = """
      {"http": {"port": 0, "instances": 2}, "jobs": {"workers": 1},
       "drain": {"graceMs": 5000, "closeWindowMs": 60000}}""";
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";

  @Test
  void aDrainingNodeRefusesNewConnectionsAndAnswersTheOnesItAccepted(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, LONG_WINDOW).await(20, TimeUnit.SECONDS);
    int port = node.httpPort();
    try (RawConnection keptAlive = new RawConnection(port);
        RawConnection justAccepted = new RawConnection(port)) {
      keptAlive.send(HELLO);
      assertThat(keptAlive.awaitReceived("Hi there", BOUND)).isTrue();
      // Both connections are accepted (counted by the node) before the drain starts.
      TestNodes.eventually(vertx, () -> node.state().openConnections() == 2, 5_000).await(10, TimeUnit.SECONDS);

      Future<Void> drained = node.drain();
      awaitRefused(port);
      // The node learns its listener is closed a moment after the kernel does (the close completes
      // on the acceptor's thread, the flag is set on the event loop); only then does it send
      // clients away. Seen in CI: a request sent in that moment was answered without the close.
      TestNodes.eventually(vertx, () -> node.state().sendingClientsAway(), 2_000).await(10, TimeUnit.SECONDS);

      // The request of a connection accepted before the drain, sent after it started.
      justAccepted.send(HELLO);
      assertThat(justAccepted.awaitReceived("Hi there", BOUND)).as(justAccepted.received()).isTrue();
      assertThat(justAccepted.status()).isEqualTo(200);
      assertThat(justAccepted.received()).containsIgnoringCase("connection: close");
      assertThat(justAccepted.awaitClose(BOUND)).as("closed after its answer").isTrue();

      // The next request of a kept-alive connection: answered, then closed.
      String before = keptAlive.received();
      keptAlive.send(HELLO);
      assertThat(keptAlive.awaitClose(BOUND)).isTrue();
      assertThat(keptAlive.received().substring(before.length()))
          .startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("Hi there");

      // With both clients gone, the drain ends without waiting out its 60 s window.
      drained.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // The listener closes on the acceptor's thread: wait until a connect is refused.
  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        Thread.sleep(10); // still listening: look again (a condition, bounded by the deadline)
      } catch (ConnectException refused) {
        return;
      } catch (IOException resetWhileClosing) {
        // accepted by the kernel just as the listener closed, and reset with it: look again
      }
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .as("a connect to the draining node's port").isInstanceOf(ConnectException.class);
  }
}
