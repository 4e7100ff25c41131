package com.example.template.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.bridge.BridgeSocket;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import com.example.template.work.HashJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import com.example.template.work.BusyJob;

/**
 * The same mistake gets the same failure whichever way the job arrives: over HTTP, from a cluster
 * member on the event bus, or through the TCP bridge. Validation is the job's own, so it cannot
 * drift apart; this test says so from the three callers' side.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ValidationParityTest {

  private static final long MAX_BUSY_MS = 1_000;

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 1, "maxBusyMs": %d},
       "bridge": {"enabled": true, "port": 0}}""".formatted(MAX_BUSY_MS);

  /** One caller's view of a refused job: the code and the message it was given. */
  record Failure(int code, String message) {
  }

  /** How the same job is asked for over HTTP, where the route puts it in its own form. */
  @FunctionalInterface
  interface HttpCall {
    Future<HttpResponse<Buffer>> send(WebClient client);
  }

  static Stream<Arguments> mistakes() {
    String badMs = "'ms' must be an integer between 0 and " + MAX_BUSY_MS;
    String badPassword = "'password' must be a string of 1 to " + HashJob.MAX_PASSWORD_LENGTH + " characters";
    String badIterations = "'iterations' must be an integer between " + HashJob.MIN_ITERATIONS + " and " + HashJob.MAX_ITERATIONS;
    String notAnObject = "the body must be a JSON object";
    return Stream.of(
        // The job's own checks: the same code and the same words everywhere.
        mistake("ms below 0", BusyJob.ADDRESS, new JsonObject().put("ms", -1), badMs, get("/work/busy?ms=-1")),
        mistake("ms above the limit", BusyJob.ADDRESS, new JsonObject().put("ms", MAX_BUSY_MS + 1), badMs,
            get("/work/busy?ms=" + (MAX_BUSY_MS + 1))),
        mistake("an empty password", HashJob.ADDRESS, new JsonObject().put("password", ""), badPassword,
            post(new JsonObject().put("password", "").encode())),
        mistake("a password that is not a string", HashJob.ADDRESS, new JsonObject().put("password", 1234), badPassword,
            post("{\"password\": 1234}")),
        mistake("a password over the limit", HashJob.ADDRESS,
            new JsonObject().put("password", "x".repeat(HashJob.MAX_PASSWORD_LENGTH + 1)), badPassword,
            post(new JsonObject().put("password", "x".repeat(HashJob.MAX_PASSWORD_LENGTH + 1)).encode())),
        mistake("iterations below the limit", HashJob.ADDRESS,
            new JsonObject().put("password", "pw").put("iterations", HashJob.MIN_ITERATIONS - 1), badIterations,
            post("{\"password\": \"pw\", \"iterations\": " + (HashJob.MIN_ITERATIONS - 1) + "}")),
        mistake("iterations that are not a number", HashJob.ADDRESS,
            new JsonObject().put("password", "pw").put("iterations", "many"), badIterations,
            post("{\"password\": \"pw\", \"iterations\": \"many\"}")),
        mistake("a body that is not an object", HashJob.ADDRESS, new JsonArray().add("pw"), notAnObject, post("[\"pw\"]")),
        // HTTP parses the query itself and words these its own way: the same code, other words.
        mistake("a missing ms", BusyJob.ADDRESS, new JsonObject(), null, get("/work/busy")),
        mistake("ms that is not a whole number", BusyJob.ADDRESS, new JsonObject().put("ms", 1.5), null, get("/work/busy?ms=1.5")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void theSameMistakeGetsTheSameFailureFromEveryCaller(String mistake, String address, Object body, String message,
      HttpCall http, Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);

    Map<String, Failure> seen = new LinkedHashMap<>();
    seen.put("event bus", overEventBus(vertx, address, body, new DeliveryOptions()));
    seen.put("bridge", throughBridge(node, address, body, new JsonObject()));
    seen.put("HTTP", overHttp(http.send(TestNodes.client(vertx, node))));

    assertThat(seen.values()).as("%s: %s", mistake, seen)
        .allSatisfy(failure -> assertThat(failure.code()).isEqualTo(JobApi.INVALID_REQUEST));
    assertThat(seen.get("bridge").message()).as("bridge and event bus").isEqualTo(seen.get("event bus").message());
    if (message != null) {
      assertThat(seen.values()).as("%s: %s", mistake, seen)
          .allSatisfy(failure -> assertThat(failure.message()).isEqualTo(message));
    }
  }

  @Test
  void aDeadlineThatIsNotEpochMillisIsRefusedTheSameOnTheBusAndTheBridge(Vertx vertx) throws Exception {
    // HTTP callers cannot set the deadline: the route sets it from jobs.timeoutMs.
    Node node = TestNodes.deploy(vertx, CONFIG).await(20, TimeUnit.SECONDS);
    JsonObject job = new JsonObject().put("ms", 1);

    Failure bus = overEventBus(vertx, BusyJob.ADDRESS, job, new DeliveryOptions().addHeader(JobApi.HEADER_DEADLINE, "tomorrow"));
    Failure bridge = throughBridge(node, BusyJob.ADDRESS, job, new JsonObject().put(JobApi.HEADER_DEADLINE, "tomorrow"));

    assertThat(bridge).isEqualTo(bus);
    assertThat(bus.code()).isEqualTo(JobApi.INVALID_REQUEST);
  }

  private static Failure overEventBus(Vertx vertx, String address, Object body, DeliveryOptions options) throws Exception {
    try {
      vertx.eventBus().request(address, body, options).await(10, TimeUnit.SECONDS);
      throw new AssertionError("the event bus accepted the job");
    } catch (ReplyException e) {
      assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      return new Failure(e.failureCode(), e.getMessage());
    }
  }

  private static Failure throughBridge(Node node, String address, Object body, JsonObject headers) {
    JsonObject answer;
    try (BridgeSocket bridge = new BridgeSocket(node.bridgePort())) {
      answer = bridge.request(BridgeSocket.send(address, body).put("headers", headers));
    }
    assertThat(answer.getString("type")).as("bridge answer %s", answer).isEqualTo("err");
    assertThat(answer.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
    return new Failure(answer.getInteger("failureCode"), answer.getString("message"));
  }

  private static Failure overHttp(Future<HttpResponse<Buffer>> sent) throws Exception {
    HttpResponse<Buffer> response = sent.await(10, TimeUnit.SECONDS);
    return new Failure(response.statusCode(), response.bodyAsJsonObject().getString("error"));
  }

  private static HttpCall get(String uri) {
    return client -> client.get(uri).send();
  }

  private static HttpCall post(String json) {
    return client -> client.post("/work/hash")
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
        .sendBuffer(Buffer.buffer(json));
  }

  private static Arguments mistake(String name, String address, Object body, String message, HttpCall http) {
    return Arguments.of(name, address, body, message, http);
  }
}
