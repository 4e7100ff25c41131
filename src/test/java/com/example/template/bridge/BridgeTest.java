package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.example.template.api.JobApi;
import com.example.template.node.Node;
import com.example.template.support.Conditions;
import com.example.template.support.TestNodes;
import com.example.template.work.InFlightLimit;
import com.example.template.work.JobWorkerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import com.example.template.work.BusyJob;
import com.example.template.work.HashJob;

/**
 * The TCP bridge as a non-JVM service meets it: a real node with the bridge switched on, driven
 * over plain sockets with length-prefixed JSON frames. Each test reads only what such a client
 * can read: frames, and whether its connection is still open.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BridgeTest {

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 2, "maxInFlight": 64, "maxBusyMs": 5000},
       "bridge": {"enabled": true, "port": 0}}""";

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aJobSentWithAReplyAddressGetsItsReplyAndRequestId(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject send = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 20))
          .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, "rid-bridge-1"));

      JsonObject reply = client.request(send);

      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo(send.getString("replyAddress"));
      JsonObject body = reply.getJsonObject("body");
      assertThat(body.getLong("ms")).isEqualTo(20);
      assertThat(body.getLong("elapsedMs")).isGreaterThanOrEqualTo(20);
      assertThat(body.getString("node")).isEqualTo(TestNodes.NAME);
      assertThat(reply.getJsonObject("headers").getString(JobApi.HEADER_REQUEST_ID)).isEqualTo("rid-bridge-1");
    }
  }

  @Test
  void theRequestIdIsInTheLogOfTheNodeThatRanTheJob(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    Logger workerLog = (Logger) LoggerFactory.getLogger(JobWorkerVerticle.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Level level = workerLog.getLevel();
    workerLog.setLevel(Level.DEBUG);
    workerLog.addAppender(log);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      client.request(BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
          .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, "rid-in-the-log")));

      Conditions.await("a worker log line with rid=rid-in-the-log", WAIT, () -> {
        synchronized (log) { // the appender's own lock, held while it appends
          return log.list.stream().anyMatch(event -> "rid-in-the-log".equals(event.getMDCPropertyMap().get("rid")));
        }
      });
    } finally {
      workerLog.detachAppender(log);
      workerLog.setLevel(level);
    }
  }

  @Test
  void aHashJobAnswersAndACallerWithoutARequestIdGetsOne(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject reply = client.request(HashJob.ADDRESS, new JsonObject().put("password", "pw").put("iterations", 1_000));

      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getJsonObject("body").getString("algorithm")).isEqualTo("PBKDF2WithHmacSHA256");
      assertThat(reply.getJsonObject("body").getInteger("iterations")).isEqualTo(1_000);
      assertThat(reply.getJsonObject("headers").getString(JobApi.HEADER_REQUEST_ID)).isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"supervisor.launcher-1.ready", "supervisor.launcher-1.child.app-1", "work.busy@some-node",
      "no.such.address"})
  void aFrameToAnyOtherAddressIsRefusedAndTheConnectionStaysUsable(String address, Vertx vertx) throws Exception {
    Node node = start(vertx, CONFIG);
    List<Object> reached = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(address, (Message<Object> message) -> reached.add(message.body())).completion()
        .await(10, TimeUnit.SECONDS);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject refused = client.request(address, new JsonObject().put("op", "drain"));

      assertThat(refused).isEqualTo(new JsonObject().put("type", "err").put("message", "access_denied"));
      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");
      assertThat(reached).as("messages that reached %s", address).isEmpty();
    }
  }

  @Test
  void noClientMayPublishToAJobOrListenOnAnyAddress(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    JsonObject denied = new JsonObject().put("type", "err").put("message", "access_denied");
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      client.write(new JsonObject().put("type", "publish").put("address", BusyJob.ADDRESS).put("body", new JsonObject().put("ms", 1)));
      assertThat(client.read()).as("publish to a job").isEqualTo(denied);
      for (String address : List.of(BusyJob.ADDRESS, HashJob.ADDRESS, "supervisor.launcher-1.ready")) {
        client.write(new JsonObject().put("type", "register").put("address", address));
        assertThat(client.read()).as("register on %s", address).isEqualTo(denied);
      }

      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");
    }
  }

  @Test
  void framesTheBridgeAnswersWithoutRunningAJobLeaveTheConnectionUsable(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      assertThat(client.request(new JsonObject().put("type", "ping"))).isEqualTo(new JsonObject().put("type", "pong"));
      assertThat(client.request(new JsonObject().put("type", "send").put("body", new JsonObject())))
          .isEqualTo(new JsonObject().put("type", "err").put("message", "missing_address"));
      JsonObject noReplyAddress = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));
      noReplyAddress.remove("replyAddress");
      assertThat(client.request(noReplyAddress))
          .isEqualTo(new JsonObject().put("type", "err").put("message", "missing_reply_address"));

      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");
    }
  }

  @Test
  void aJobThatFailsGetsAnErrFrameWithItsFailureCode(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject send = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 10))
          .put("headers", new JsonObject().put(JobApi.HEADER_DEADLINE, "1"));

      JsonObject failed = client.request(send);

      assertThat(failed).isEqualTo(new JsonObject()
          .put("type", "err")
          .put("address", send.getString("replyAddress"))
          .put("sourceAddress", BusyJob.ADDRESS)
          .put("failureCode", JobApi.DEADLINE_EXCEEDED)
          .put("failureType", "RECIPIENT_FAILURE")
          .put("message", "the deadline passed before the job could start"));
    }
  }

  @Test
  void aCallerWaitsNoLongerThanItAskedNorThanTheNodesTimeout(Vertx vertx) throws Exception {
    // The bridge alone, before a consumer that never answers: the wait is the bridge's doing.
    vertx.eventBus().consumer(BusyJob.ADDRESS, message -> { }).completion().await(10, TimeUnit.SECONDS);
    BridgeVerticle bridge = new BridgeVerticle(TestNodes.config("""
        {"jobs": {"timeoutMs": 300}, "bridge": {"enabled": true, "port": 0}}"""), new InFlightLimit(8));
    vertx.deployVerticle(bridge).await(10, TimeUnit.SECONDS);
    try (BridgeSocket client = new BridgeSocket(bridge.port())) {
      JsonObject askedLess = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
          .put("headers", new JsonObject().put("timeout", 100));
      JsonObject askedMore = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
          .put("headers", new JsonObject().put("timeout", 60_000));
      long started = System.nanoTime();

      JsonObject first = client.request(askedLess);
      JsonObject second = client.request(askedMore);

      for (JsonObject failed : List.of(first, second)) {
        assertThat(failed.getString("type")).isEqualTo("err");
        assertThat(failed.getString("failureType")).isEqualTo("TIMEOUT");
        assertThat(failed.getInteger("failureCode")).isEqualTo(-1);
      }
      assertThat(first.getString("message")).contains("100(ms)");
      assertThat(second.getString("message")).as("capped at jobs.timeoutMs").contains("300(ms)");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }
  }

  static Stream<Arguments> malformedFrames() {
    return Stream.of(
        malformed("a zero length prefix", client -> client.writeBytes(prefix(0))),
        malformed("a negative length prefix", client -> client.writeBytes(concat(prefix(-5), "{\"type\":1}"))),
        malformed("a length prefix over the cap, body never sent",
            client -> client.writeBytes(prefix(BridgeVerticle.MAX_FRAME_BYTES + 1))),
        malformed("a length prefix of 2 GiB", client -> client.writeBytes(prefix(Integer.MAX_VALUE))),
        malformed("text that is not JSON", client -> client.writeRaw(bytes("hello bridge"))),
        malformed("JSON that is not an object", client -> client.writeRaw(bytes("[1, 2, 3]"))),
        malformed("bytes that are not UTF-8",
            client -> client.writeRaw(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'})),
        malformed("an unknown frame type", client -> client.write(new JsonObject().put("type", "rpc").put("address", BusyJob.ADDRESS))),
        malformed("a frame without a type", client -> client.write(new JsonObject().put("address", BusyJob.ADDRESS))),
        malformed("an address that is not a string", client -> client.write(
            new JsonObject().put("type", "send").put("address", 42).put("replyAddress", "r").put("body", new JsonObject()))),
        malformed("a header that is not a string", client -> client.write(BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
            .put("headers", new JsonObject().put(JobApi.HEADER_REQUEST_ID, 7)))),
        malformed("a timeout header that is not a number", client -> client.write(BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
            .put("headers", new JsonObject().put("timeout", "soon")))),
        malformed("headers that are not an object", client -> client.write(BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1))
            .put("headers", new JsonArray().add("x")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFrames")
  void aMalformedFrameClosesThatConnectionOnly(String what, Consumer<BridgeSocket> mistake, Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket bystander = new BridgeSocket(node.bridgePort());
        BridgeSocket offender = new BridgeSocket(node.bridgePort())) {
      assertThat(bystander.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");

      mistake.accept(offender);

      assertThat(offender.closedByBridge()).as("the offender's connection is closed").isTrue();
      assertThat(bystander.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type"))
          .as("another open connection still gets answers").isEqualTo("message");
      try (BridgeSocket newcomer = new BridgeSocket(node.bridgePort())) {
        assertThat(newcomer.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type"))
            .as("new connections are taken").isEqualTo("message");
      }
    }
  }

  @Test
  void framesAreReadWholeHoweverTheBytesArrive(Vertx vertx) {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject first = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));
      for (byte b : framed(first)) {
        client.writeBytes(new byte[] {b});
      }
      assertThat(client.read().getString("address")).as("a frame sent a byte at a time").isEqualTo(first.getString("replyAddress"));

      JsonObject second = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));
      JsonObject third = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));
      client.writeBytes(concat(framed(second), framed(third)));
      List<String> answered = List.of(client.read().getString("address"), client.read().getString("address"));
      assertThat(answered).as("two frames in one write").containsExactlyInAnyOrder(
          second.getString("replyAddress"), third.getString("replyAddress"));
    }
  }

  @Test
  void manyClientsAtOnceAllGetTheirAnswers(Vertx vertx) throws Exception {
    Node node = start(vertx, CONFIG);
    int clients = 20;
    int jobsEach = 5;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<CompletableFuture<List<JsonObject>>> runs = IntStream.range(0, clients)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
              List<JsonObject> replies = new ArrayList<>();
              for (int job = 0; job < jobsEach; job++) {
                JsonObject send = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", i));
                JsonObject reply = client.request(send);
                assertThat(reply.getString("address")).isEqualTo(send.getString("replyAddress"));
                replies.add(reply);
              }
              return replies;
            }
          }, pool))
          .toList();

      for (int i = 0; i < clients; i++) {
        List<JsonObject> replies = runs.get(i).get(20, TimeUnit.SECONDS);
        int client = i;
        assertThat(replies).hasSize(jobsEach).allSatisfy(reply -> {
          assertThat(reply.getString("type")).isEqualTo("message");
          assertThat(reply.getJsonObject("body").getLong("ms")).isEqualTo(client);
        });
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBridgeJobHoldsOneOfTheNodesPermitsUntilItsAnswer(Vertx vertx) throws Exception {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      client.write(BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1_000)));
      Conditions.await("the job holds a permit", WAIT, () -> node.inFlight().inFlight() == 1);

      assertThat(client.read().getString("type")).isEqualTo("message");
      assertThat(node.inFlight().inFlight()).as("permits held once the answer is out").isZero();
    }
  }

  @Test
  void aFullNodeRefusesBridgeJobsAtOnceAsItRefusesHttp(Vertx vertx) throws Exception {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1},
         "jobs": {"workers": 1, "maxInFlight": 1},
         "bridge": {"enabled": true, "port": 0}}""");
    assertThat(node.inFlight().tryAcquire()).as("the node's one permit, as a job in flight holds it").isTrue();
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      JsonObject send = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));

      JsonObject refused = client.request(send);
      HttpResponse<Buffer> http = TestNodes.client(vertx, node).get("/work/busy?ms=1").send().await(10, TimeUnit.SECONDS);

      assertThat(refused).isEqualTo(new JsonObject()
          .put("type", "err")
          .put("address", send.getString("replyAddress"))
          .put("sourceAddress", BusyJob.ADDRESS)
          .put("failureCode", JobApi.OVERLOADED)
          .put("failureType", "RECIPIENT_FAILURE")
          .put("message", "too many jobs in flight, retry shortly"));
      assertThat(http.statusCode()).as("HTTP, sharing the bound").isEqualTo(503);

      node.inFlight().release();
      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type"))
          .as("once a permit is free").isEqualTo("message");
    }
  }

  @Test
  void aDrainAnswersTheJobsInFlightThenClosesEveryConnection(Vertx vertx) throws Exception {
    Node node = start(vertx, """
        {"http": {"port": 0, "instances": 1},
         "jobs": {"workers": 1, "maxBusyMs": 5000},
         "drain": {"graceMs": 5000, "closeWindowMs": 0},
         "bridge": {"enabled": true, "port": 0}}""");
    int port = node.bridgePort();
    try (BridgeSocket busy = new BridgeSocket(port); BridgeSocket idle = new BridgeSocket(port)) {
      assertThat(idle.request(BusyJob.ADDRESS, new JsonObject().put("ms", 0)).getString("type")).isEqualTo("message");
      JsonObject job = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1_000));
      busy.write(job);
      Conditions.await("the job is in flight", WAIT, () -> node.inFlight().inFlight() == 1);

      Future<Void> drained = node.drain();

      assertThat(idle.closedByBridge()).as("an idle connection is closed at once").isTrue();
      JsonObject reply = busy.read();
      assertThat(reply.getString("address")).isEqualTo(job.getString("replyAddress"));
      assertThat(reply.getJsonObject("body").getLong("ms")).as("the job in flight was answered").isEqualTo(1_000);
      assertThat(busy.closedByBridge()).as("then its connection is closed").isTrue();
      drained.await(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .as("no new connections after the drain").isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void aNodeWithTheBridgeDrainsAndClosesAsItsProcessDoesOnSigterm(Vertx vertx) throws Exception {
    Node node = start(vertx, CONFIG);
    try (BridgeSocket client = new BridgeSocket(node.bridgePort())) {
      assertThat(client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 1)).getString("type")).isEqualTo("message");
    }

    // As NodeProcess does, from a thread that is not Vert.x's: drain, then close Vert.x.
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    node.drain().eventually(vertx::close).onComplete(ar -> stopped.complete(null));

    assertThat(stopped).as("drained and closed").succeedsWithin(Duration.ofSeconds(10));
  }

  private static Node start(Vertx vertx, String config) {
    try {
      return TestNodes.deploy(vertx, config).await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the node did not start in time", e);
    }
  }

  private static Arguments malformed(String what, Consumer<BridgeSocket> mistake) {
    return Arguments.of(what, mistake);
  }

  private static byte[] prefix(int length) {
    return ByteBuffer.allocate(4).putInt(length).array();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] framed(JsonObject frame) {
    byte[] json = bytes(frame.encode());
    return concat(prefix(json.length), json);
  }

  private static byte[] concat(byte[] head, String tail) {
    return concat(head, bytes(tail));
  }

  private static byte[] concat(byte[] head, byte[] tail) {
    return ByteBuffer.allocate(head.length + tail.length).put(head).put(tail).array();
  }
}
