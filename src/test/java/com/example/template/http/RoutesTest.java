package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every route of a real node, and every way a client can get it wrong: each mistake is a 4xx
 * with a JSON {@code {"error": ...}} that says what to fix, never a 500 and never a hang.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RoutesTest {

  static final String CONFIG = """
      {"http": {"port": 0, "instances": 1, "maxBodyBytes": 1024},
       "jobs": {"workers": 2, "maxInFlight": 4, "timeoutMs": 5000, "maxBusyMs": 5000}}""";

  private WebClient client;

  @BeforeEach
  void deployNode(Vertx vertx, VertxTestContext ctx) {
    TestNodes.deploy(vertx, CONFIG).onComplete(ctx.succeeding(node -> {
      client = TestNodes.client(vertx, node);
      ctx.completeNow();
    }));
  }

  @Test
  void helloAnswersHiThere(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();

    client.get("/hello").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
      assertThat(response.bodyAsString()).isEqualTo("Hi there");
      answered.flag();
    })));
  }

  @Test
  void busyRunsTheBusyLoopOnAJobWorker(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();

    client.get("/work/busy").addQueryParam("ms", "25").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getLong("ms")).isEqualTo(25);
      assertThat(body.getLong("elapsedMs")).isGreaterThanOrEqualTo(25);
      assertThat(body.getString("node")).isEqualTo(TestNodes.NAME);
      assertThat(body.getString("thread")).startsWith(Node.WORKER_POOL + "-");
      assertThat(response.getHeader("X-Request-Id")).as("a request id is made up when none is given").isNotBlank();
      answered.flag();
    })));
  }

  @Test
  void hashReturnsAPbkdf2HashFromAJobWorker(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    JsonObject request = new JsonObject().put("password", "hunter2").put("iterations", 1000);

    client.post("/work/hash").sendJsonObject(request).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("algorithm")).isEqualTo("PBKDF2WithHmacSHA256");
      assertThat(body.getInteger("iterations")).isEqualTo(1000);
      assertThat(body.getString("salt")).isNotBlank();
      assertThat(body.getString("hash")).isNotBlank();
      assertThat(body.getString("node")).isEqualTo(TestNodes.NAME);
      assertThat(body.getString("thread")).startsWith(Node.WORKER_POOL + "-");
      answered.flag();
    })));
  }

  @Test
  void theCallersRequestIdIsEchoed(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();

    client.get("/work/busy?ms=0").putHeader("X-Request-Id", "order-1234").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("order-1234");
          answered.flag();
        })));
  }

  @Test
  void theRequestIdComesBackOnMistakesCaughtBeforeAnyJobIsSent(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint(3);

    client.get("/work/busy").putHeader("X-Request-Id", "no-ms").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(400);
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("no-ms");
          answered.flag();
        })));
    client.post("/work/hash").putHeader("X-Request-Id", "bad-json").sendBuffer(Buffer.buffer("{nope"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(400);
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("bad-json");
          answered.flag();
        })));
    client.post("/work/hash").putHeader("X-Request-Id", "too-big").sendBuffer(Buffer.buffer("x".repeat(2048)))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(413);
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("too-big");
          answered.flag();
        })));
  }

  @Test
  void anOverlongRequestIdIsReplacedNotEchoed(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    String overlong = "x".repeat(129);

    client.get("/work/busy?ms=0").putHeader("X-Request-Id", overlong).send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("X-Request-Id")).isNotBlank().isNotEqualTo(overlong);
          answered.flag();
        })));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      GET    | /work/busy           | 400 | query parameter 'ms' is required
      GET    | /work/busy?ms=       | 400 | query parameter 'ms' is required
      GET    | /work/busy?ms=abc    | 400 | query parameter 'ms' must be an integer
      GET    | /work/busy?ms=1.5    | 400 | query parameter 'ms' must be an integer
      GET    | /work/busy?ms=-1     | 400 | 'ms' must be an integer between 0 and 5000
      GET    | /work/busy?ms=5001   | 400 | 'ms' must be an integer between 0 and 5000
      GET    | /nowhere             | 404 | no route for /nowhere
      POST   | /hello               | 405 | method not allowed on /hello
      DELETE | /work/busy?ms=1      | 405 | method not allowed on /work/busy
      GET    | /work/hash           | 405 | method not allowed on /work/hash
      """)
  void aBadRequestGetsItsStatusAndAJsonError(HttpMethod method, String uri, int status, String error,
      VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();

    client.request(method, uri).send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertJsonError(response, status, error);
      refused.flag();
    })));
  }

  @ParameterizedTest(name = "body {0} -> 400")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      `{bad`                                   | the body must be a JSON object
      `[1, 2]`                                 | the body must be a JSON object
      `"password"`                             | the body must be a JSON object
      ``                                       | the body must be a JSON object
      `{}`                                     | 'password' must be a string of 1 to 1024 characters
      `{"password": ""}`                       | 'password' must be a string of 1 to 1024 characters
      `{"password": 42}`                       | 'password' must be a string of 1 to 1024 characters
      `{"password": "pw", "iterations": 10}`   | 'iterations' must be an integer between 1000 and 1000000
      `{"password": "pw", "iterations": "x"}`  | 'iterations' must be an integer between 1000 and 1000000
      """)
  void aBadHashBodyIsA400(String body, String error, VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();

    client.post("/work/hash").sendBuffer(Buffer.buffer(body == null ? "" : body))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertJsonError(response, 400, error);
          refused.flag();
        })));
  }

  @Test
  void aBodyOverTheLimitIsA413(VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();
    JsonObject tooLarge = new JsonObject().put("password", "p".repeat(2048));

    client.post("/work/hash").sendJsonObject(tooLarge).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertJsonError(response, 413, "request body too large");
      refused.flag();
    })));
  }

  /** What a client sees for every error: the status, a JSON content type and the message. */
  static void assertJsonError(HttpResponse<Buffer> response, int status, String error) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", error));
  }
}
