package com.example.template.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.support.TestNodes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event-bus job API as another service sees it: request/reply on {@link JobApi}'s
 * addresses, with no HTTP in front, so every check the routes rely on is the worker's own.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class JobWorkerVerticleTest {

  private static final String NODE = "worker-test";
  private static final long MAX_BUSY_MS = 10_000;

  private JobCancellations cancellations;

  @BeforeEach
  void deployWorker(Vertx vertx, VertxTestContext ctx) {
    cancellations = new JobCancellations(null);
    vertx.deployVerticle(cancellations)
        .compose(id -> vertx.deployVerticle(
            new JobWorkerVerticle(List.of(new BusyJob(MAX_BUSY_MS), new HashJob()), NODE, null, cancellations),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void busyRepliesWithItsTimingsOnAWorkerThread(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(JobApi.HEADER_REQUEST_ID, "rid-42")
        .addHeader(JobApi.HEADER_DEADLINE, Long.toString(System.currentTimeMillis() + 5_000));

    vertx.eventBus().<JsonObject>request(BusyJob.ADDRESS, new JsonObject().put("ms", 30), options)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          JsonObject body = reply.body();
          assertThat(body.getLong("ms")).isEqualTo(30);
          assertThat(body.getLong("elapsedMs")).isGreaterThanOrEqualTo(30);
          assertThat(body.getString("node")).isEqualTo(NODE);
          assertThat(body.getString("thread")).doesNotContain("eventloop");
          assertThat(reply.headers().get(JobApi.HEADER_REQUEST_ID)).isEqualTo("rid-42");
          replied.flag();
        })));
  }

  @Test
  void hashRepliesWithAHashThatVerifiesAgainstItsSalt(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    JsonObject request = new JsonObject().put("password", "correct horse").put("iterations", 1_000);

    vertx.eventBus().<JsonObject>request(HashJob.ADDRESS, request)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          JsonObject body = reply.body();
          assertThat(body.getString("algorithm")).isEqualTo("PBKDF2WithHmacSHA256");
          assertThat(body.getInteger("iterations")).isEqualTo(1_000);
          assertThat(body.getString("node")).isEqualTo(NODE);
          byte[] salt = Base64.getDecoder().decode(body.getString("salt"));
          byte[] hash = Base64.getDecoder().decode(body.getString("hash"));
          assertThat(salt).hasSize(16);
          assertThat(hash).isEqualTo(pbkdf2("correct horse", salt, 1_000, hash.length * 8));
          replied.flag();
        })));
  }

  @Test
  void hashUsesTheDefaultIterationsAndAFreshSaltEachTime(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    JsonObject request = new JsonObject().put("password", "same password");

    vertx.eventBus().<JsonObject>request(HashJob.ADDRESS, request)
        .compose(first -> vertx.eventBus().<JsonObject>request(HashJob.ADDRESS, request)
            .map(second -> List.of(first.body(), second.body())))
        .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
          assertThat(replies).allSatisfy(body ->
              assertThat(body.getInteger("iterations")).isEqualTo(HashJob.DEFAULT_ITERATIONS));
          assertThat(replies.get(0).getString("salt")).isNotEqualTo(replies.get(1).getString("salt"));
          assertThat(replies.get(0).getString("hash")).isNotEqualTo(replies.get(1).getString("hash"));
          replied.flag();
        })));
  }

  static Stream<Arguments> invalidRequests() {
    String notAnObject = "the body must be a JSON object";
    String badMs = "'ms' must be an integer between 0 and " + MAX_BUSY_MS;
    String badPassword = "'password' must be a string of 1 to " + HashJob.MAX_PASSWORD_LENGTH + " characters";
    String badIterations = "'iterations' must be an integer between " + HashJob.MIN_ITERATIONS
        + " and " + HashJob.MAX_ITERATIONS;
    return Stream.of(
        Arguments.of(BusyJob.ADDRESS, "ms=10", notAnObject),
        Arguments.of(BusyJob.ADDRESS, new JsonArray().add(10), notAnObject),
        Arguments.of(BusyJob.ADDRESS, 10, notAnObject),
        Arguments.of(HashJob.ADDRESS, "password", notAnObject),
        Arguments.of(BusyJob.ADDRESS, new JsonObject(), badMs),
        Arguments.of(BusyJob.ADDRESS, new JsonObject().put("ms", -1), badMs),
        Arguments.of(BusyJob.ADDRESS, new JsonObject().put("ms", MAX_BUSY_MS + 1), badMs),
        Arguments.of(BusyJob.ADDRESS, new JsonObject().put("ms", "10"), badMs),
        Arguments.of(BusyJob.ADDRESS, new JsonObject().put("ms", 1.5), badMs),
        Arguments.of(HashJob.ADDRESS, new JsonObject(), badPassword),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", ""), badPassword),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", 1234), badPassword),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", "x".repeat(HashJob.MAX_PASSWORD_LENGTH + 1)), badPassword),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", "pw").put("iterations", HashJob.MIN_ITERATIONS - 1), badIterations),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", "pw").put("iterations", HashJob.MAX_ITERATIONS + 1), badIterations),
        Arguments.of(HashJob.ADDRESS, new JsonObject().put("password", "pw").put("iterations", "many"), badIterations));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("invalidRequests")
  void anInvalidRequestFailsWithInvalidRequest(String address, Object body, String message, Vertx vertx, VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();

    vertx.eventBus().request(address, body)
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertThat(failure).isInstanceOf(ReplyException.class);
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(reply.failureCode()).isEqualTo(JobApi.INVALID_REQUEST);
          assertThat(reply.getMessage()).isEqualTo(message);
          refused.flag();
        })));
  }

  @Test
  void aJobPastItsDeadlineFailsAtOnceWithoutRunning(Vertx vertx, VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(JobApi.HEADER_DEADLINE, Long.toString(System.currentTimeMillis() - 1));
    long started = System.nanoTime();

    vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", MAX_BUSY_MS), options)
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureCode()).isEqualTo(JobApi.DEADLINE_EXCEEDED);
          assertThat(reply.getMessage()).isEqualTo("the deadline passed before the job could start");
          assertThat(elapsedMs(started)).as("the busy loop never ran").isLessThan(MAX_BUSY_MS / 2);
          refused.flag();
        })));
  }

  @Test
  void aJobCancelledBeforeItStartsNeverRuns(Vertx vertx, VertxTestContext ctx) {
    Checkpoint skipped = ctx.checkpoint();
    long deadline = System.currentTimeMillis() + 5_000;
    // The one worker is busy, so the second job waits in its queue while its caller cancels it.
    vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", 500));
    long sent = System.nanoTime();

    vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", MAX_BUSY_MS), jobOptions("queued-1", deadline))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureCode()).isEqualTo(JobApi.CANCELLED);
          assertThat(reply.getMessage()).isEqualTo("cancelled by its caller before it started");
          assertThat(elapsedMs(sent)).as("answered once the first job ended, without running its 10 s")
              .isLessThan(MAX_BUSY_MS / 2);
          skipped.flag();
        })));
    cancel(vertx, "queued-1", deadline);
  }

  @Test
  void aRunningBusyJobStopsWhenCancelled(Vertx vertx, VertxTestContext ctx) {
    Checkpoint stopped = ctx.checkpoint();
    long deadline = System.currentTimeMillis() + 5_000;
    long sent = System.nanoTime();

    vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", MAX_BUSY_MS), jobOptions("running-1", deadline))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureCode()).isEqualTo(JobApi.CANCELLED);
          assertThat(reply.getMessage()).startsWith("cancelled by its caller after ");
          assertThat(elapsedMs(sent)).as("stopped, not run to its end").isLessThan(MAX_BUSY_MS / 2);
          stopped.flag();
        })));
    TestNodes.eventually(vertx, () -> cancellations.isRunning("running-1"), 2_000)
        .onComplete(ctx.succeeding(running -> cancel(vertx, "running-1", deadline)));
  }

  private static DeliveryOptions jobOptions(String jobId, long deadline) {
    return new DeliveryOptions()
        .addHeader(JobApi.HEADER_JOB_ID, jobId)
        .addHeader(JobApi.HEADER_DEADLINE, Long.toString(deadline));
  }

  private static void cancel(Vertx vertx, String jobId, long deadline) {
    vertx.eventBus().send(JobApi.cancelAddress(null), new JsonObject().put("jobId", jobId).put("deadline", deadline));
  }

  @Test
  void aDeadlineThatIsNotEpochMillisIsAnInvalidRequest(Vertx vertx, VertxTestContext ctx) {
    Checkpoint refused = ctx.checkpoint();
    DeliveryOptions options = new DeliveryOptions().addHeader(JobApi.HEADER_DEADLINE, "tomorrow");

    vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), options)
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureCode()).isEqualTo(JobApi.INVALID_REQUEST);
          assertThat(reply.getMessage()).contains(JobApi.HEADER_DEADLINE);
          refused.flag();
        })));
  }

  @Test
  void aRequestIdIsNotInventedWhenTheCallerSentNone(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();

    vertx.eventBus().<JsonObject>request(BusyJob.ADDRESS, new JsonObject().put("ms", 0))
        .onComplete(ctx.succeeding((Message<JsonObject> reply) -> ctx.verify(() -> {
          assertThat(reply.body().getLong("ms")).isZero();
          assertThat(reply.headers().contains(JobApi.HEADER_REQUEST_ID)).isFalse();
          replied.flag();
        })));
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations, int bits) throws Exception {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
