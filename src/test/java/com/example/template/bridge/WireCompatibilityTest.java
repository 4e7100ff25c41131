package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.example.template.api.JobApi;
import com.example.template.node.Node;
import com.example.template.support.FreePorts;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import com.example.template.work.BusyJob;
import com.example.template.work.HashJob;

/**
 * Our bridge answers a well-formed frame exactly as Vert.x's own TCP event-bus bridge
 * ({@code vertx-tcp-eventbus-bridge}) does, in front of the same workers: so every client written
 * for that protocol (the upstream Node.js, Python, Java and C# clients) works unchanged.
 *
 * <p>Where the two differ on purpose, this test does not look (see {@code docs/EVENTBUS.md}): a
 * {@code publish} and a {@code send} without a reply address are refused here, and a malformed
 * frame closes its connection.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class WireCompatibilityTest {

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 2, "maxBusyMs": 5000},
       "bridge": {"enabled": true, "port": 0}}""";

  /** The module logs a client's frame without an address as an ERROR; here that is the point. */
  private static final Logger UPSTREAM_LOG = (Logger) LoggerFactory.getLogger("io.vertx.ext.eventbus.bridge.tcp.impl.TcpEventBusBridgeImpl");
  private static Level upstreamLevel;

  @BeforeAll
  static void quietUpstreamLog() {
    upstreamLevel = UPSTREAM_LOG.getLevel();
    UPSTREAM_LOG.setLevel(Level.OFF);
  }

  @AfterAll
  static void restoreUpstreamLog() {
    UPSTREAM_LOG.setLevel(upstreamLevel);
  }

  static Stream<Arguments> frames() {
    return Stream.of(
        frame("ping", new JsonObject().put("type", "ping")),
        frame("a job that answers", send(BusyJob.ADDRESS, new JsonObject().put("ms", 2))),
        frame("a hash job that answers", send(HashJob.ADDRESS, new JsonObject().put("password", "pw").put("iterations", 1_000))),
        frame("a job that fails", send(BusyJob.ADDRESS, new JsonObject().put("ms", -1))),
        frame("a job whose body is not an object", send(HashJob.ADDRESS, "pw")),
        frame("a deadline that is not a number", send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
            .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, "wire").put(JobApi.HEADER_DEADLINE, "tomorrow"))),
        frame("a job that outlasts its timeout", send(BusyJob.ADDRESS, new JsonObject().put("ms", 300))
            .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, "wire").put("timeout", 50))),
        frame("a send to a private address", send("supervisor.launcher-1.ready", new JsonObject())),
        frame("a send without an address", send(BusyJob.ADDRESS, new JsonObject()).putNull("address")),
        frame("a register", new JsonObject().put("type", "register").put("address", BusyJob.ADDRESS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void ourBridgeAnswersAsTheUpstreamBridgeDoes(String what, JsonObject frame, Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);
    int upstreamPort = FreePorts.next();
    BridgeOptions permitted = new BridgeOptions();
    JobApi.PUBLIC_ADDRESSES.forEach(address -> permitted.addInboundPermitted(new PermittedOptions().setAddress(address)));
    TcpEventBusBridge.create(vertx, permitted, new NetServerOptions().setHost("127.0.0.1").setPort(upstreamPort))
        .listen().await(10, TimeUnit.SECONDS);

    JsonObject ours = comparable(ask(node.bridgePort(), frame));
    JsonObject upstream = comparable(ask(upstreamPort, frame));

    assertThat(ours).as(what).isEqualTo(upstream);
  }

  private static JsonObject send(String address, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", "wire-reply")
        // The upstream bridge makes up no request id, so the caller sends one to both.
        .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, "wire"))
        .put("body", body);
  }

  /** One connection, one frame out, the first frame back. */
  private static JsonObject ask(int port, JsonObject frame) {
    try (BridgeSocket client = new BridgeSocket(port)) {
      return client.request(frame);
    }
  }

  // What differs between two runs of the same job whoever answers: how long it ran, on which
  // worker thread, and the number of Vert.x's own reply address in a timeout's message.
  private static JsonObject comparable(JsonObject answer) {
    JsonObject copy = answer.copy();
    if (copy.getValue("body") instanceof JsonObject body) {
      body.remove("elapsedMs");
      body.remove("thread");
      body.remove("salt");
      body.remove("hash");
    }
    if (copy.getValue("message") instanceof String message) {
      copy.put("message", message.replaceAll("__vertx\\.reply\\.\\d+", "__vertx.reply.N"));
    }
    return copy;
  }

  private static Arguments frame(String what, JsonObject frame) {
    return Arguments.of(what, frame);
  }
}
