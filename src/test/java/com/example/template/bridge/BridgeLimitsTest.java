package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.node.Node;
import com.example.template.support.Conditions;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import com.example.template.work.BusyJob;

/**
 * What a connection may hold, and for how long: a frame begun and never finished, a connection
 * that says nothing, and more connections than the node takes. Each is cut, and the connections
 * that behave carry on.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BridgeLimitsTest {

  private static final JsonObject PING = new JsonObject().put("type", "ping");
  private static final JsonObject PONG = new JsonObject().put("type", "pong");

  @Test
  void aFrameBegunAndNotFinishedClosesItsConnectionAtTheFrameTimeout(Vertx vertx) {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "bridge": {"enabled": true, "port": 0, "frameTimeoutMs": 300}}""");
    try (BridgeSocket stalled = new BridgeSocket(node.bridgePort());
        BridgeSocket bystander = new BridgeSocket(node.bridgePort())) {
      long started = System.nanoTime();
      stalled.writeBytes(ByteBuffer.allocate(14).putInt(100).put("{\"type\":\"".getBytes()).array());

      assertThat(stalled.closedByBridge()).as("the connection holding half a frame is closed").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not before the frame timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(bystander.request(PING)).as("another connection is untouched").isEqualTo(PONG);
    }
  }

  @Test
  void aFrameTrickledByteByByteGetsNoMoreTimeThanOneSentAtOnce(Vertx vertx) throws Exception {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "bridge": {"enabled": true, "port": 0, "frameTimeoutMs": 500}}""");
    byte[] frame = new byte[4 + 1_000];
    ByteBuffer.wrap(frame).putInt(1_000);
    try (BridgeSocket slowloris = new BridgeSocket(node.bridgePort())) {
      long started = System.nanoTime();
      // A byte every 50 ms: the whole frame would take 50 s, each byte well within the timeout.
      Thread trickle = new Thread(() -> {
        try {
          for (byte b : frame) {
            slowloris.writeBytes(new byte[] {b});
            Thread.sleep(50);
          }
        } catch (UncheckedIOException | InterruptedException closed) {
          // the bridge closed the connection, as it should
        }
      });
      trickle.start();

      assertThat(slowloris.closedByBridge()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("cut at the frame timeout, not the last byte's")
          .isLessThan(Duration.ofSeconds(5));
      trickle.interrupt();
      trickle.join(5_000);
    }
  }

  @Test
  void aQuietConnectionIsClosedAtTheIdleTimeoutButNotWhileItsJobRuns(Vertx vertx) {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1, "maxBusyMs": 5000},
         "bridge": {"enabled": true, "port": 0, "idleTimeoutMs": 300}}""");
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject reply = client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1_000));
      assertThat(reply.getString("type")).as("a job longer than the idle timeout is answered").isEqualTo("message");

      // The job outlived the idle timeout three times over and was answered: the clock runs only
      // while the connection is quiet. (No lower bound on the close: the client may read the reply
      // late on a loaded machine, after part of the quiet time has passed.)
      assertThat(client.closedByBridge()).as("then the quiet connection is closed").isTrue();
    }
  }

  @Test
  void aClientThatPingsIsNeverIdle(Vertx vertx) throws Exception {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "bridge": {"enabled": true, "port": 0, "idleTimeoutMs": 1000}}""");
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      // As the upstream clients do (every 5 s by default), here every 100 ms for 3 idle timeouts.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < end) {
        assertThat(client.request(PING)).isEqualTo(PONG);
        Thread.sleep(100);
      }
      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");
    }
  }

  @Test
  void aConnectionBeyondTheCapIsClosedAndOneIsTakenAgainOnceAnotherLeaves(Vertx vertx) {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "bridge": {"enabled": true, "port": 0, "maxConnections": 2}}""");
    int port = node.bridgePort();
    try (BridgeSocket first = new BridgeSocket(port); BridgeSocket second = new BridgeSocket(port)) {
      assertThat(first.request(PING)).isEqualTo(PONG);
      assertThat(second.request(PING)).isEqualTo(PONG);

      try (BridgeSocket third = new BridgeSocket(port)) {
        assertThat(third.closedByBridge()).as("a third connection, over the cap of 2").isTrue();
      }
      assertThat(first.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type"))
          .as("the connections within the cap carry on").isEqualTo("message");

      first.close();
      Conditions.await("a new connection is served once one left", Duration.ofSeconds(10), () -> answersPing(port));
    }
  }

  private static boolean answersPing(int port) {
    try (BridgeSocket client = new BridgeSocket(port)) {
      return client.request(PING).equals(PONG);
    } catch (UncheckedIOException closedAtOnce) {
      return false;
    }
  }

  private static Node start(Vertx vertx, String config) {
    try {
      return TestNodes.deploy(vertx, config).await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the node did not start in time", e);
    }
  }
}
