package com.example.template.api;

import static com.example.template.support.HeldJobs.answerOn;
import static com.example.template.support.HeldJobs.await;
import static com.example.template.support.HeldJobs.holdOn;
import static com.example.template.support.HeldJobs.tryingFirst;
import static com.example.template.support.HeldJobs.visibleFrom;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import com.example.template.support.InJvmCluster;
import com.example.template.work.BusyJob;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clustered Vert.x instances in this JVM: node B takes the job and stays silent, as a host
 * cut off by the network does until the failure detector drops it (seconds later), while B stays
 * a member here. A repeatable job is sent to A as well once B neither answers it nor, asked
 * after the attempt deadline, says it is there; a slow B that says so keeps the job alone; a job
 * that is not safe to repeat stays with B.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class JobClientAttemptTimeoutTest {

  private static final long ATTEMPT_TIMEOUT_MS = 300;
  private static final String NOT_REPEATABLE = "test.once";

  private VertxFactory.Clustered a;
  private VertxFactory.Clustered b;

  @BeforeEach
  void twoNodes() throws Exception {
    InJvmCluster cluster = new InJvmCluster(ClusterIdentity.generate("test"));
    a = await(cluster.first());
    b = await(cluster.join());
  }

  @AfterEach
  void close() throws Exception {
    await(Future.join(a.vertx().close(), b.vertx().close()));
  }

  @Test
  void aRepeatableJobASilentNodeHoldsIsAnsweredByAnotherWithinTheAttemptDeadline(VertxTestContext ctx) {
    AtomicInteger ranOnA = answerOn(a, BusyJob.ADDRESS, "A");
    Promise<Void> heldByB = holdOn(b, BusyJob.ADDRESS, a.vertx());
    long timeoutMs = 30_000;
    long started = System.nanoTime();

    client(timeoutMs).request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), "rid-1")
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          assertThat(heldByB.future().isComplete()).as("B received the job first").isTrue();
          assertThat(reply.body().getString("ranOn")).isEqualTo("A");
          assertThat(ranOnA).hasValue(1);
          assertThat(tookMs).isGreaterThanOrEqualTo(ATTEMPT_TIMEOUT_MS).isLessThan(timeoutMs / 3);
          ctx.completeNow();
        })));
  }

  @Test
  void aSlowNodeThatSaysItIsThereKeepsTheJobAlone(VertxTestContext ctx) {
    AtomicInteger ranOnA = answerOn(a, BusyJob.ADDRESS, "A");
    String slowNode = JobApi.nodeAddress(BusyJob.ADDRESS, b.nodes().self());
    await(b.vertx().eventBus().<JsonObject>consumer(JobApi.cancelAddress(b.nodes().self()),
        probe -> probe.reply(new JsonObject())).completion());
    await(b.vertx().eventBus().<JsonObject>consumer(slowNode, message -> {
      long answerInMs = message.body().containsKey("probe") ? 1 : 4 * ATTEMPT_TIMEOUT_MS;
      b.vertx().setTimer(answerInMs, t -> message.reply(new JsonObject().put("ranOn", "B")));
    }).completion());
    await(visibleFrom(a.vertx(), JobApi.cancelAddress(b.nodes().self()), 500));
    await(visibleFrom(a.vertx(), slowNode, 500));

    client(30_000).request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), "rid-3")
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.body().getString("ranOn")).isEqualTo("B");
          assertThat(ranOnA).as("jobs sent to A as well").hasValue(0);
          ctx.completeNow();
        })));
  }

  @Test
  void aJobThatIsNotSafeToRepeatStaysWithItsNodeUntilItsTimeout(VertxTestContext ctx) {
    AtomicInteger ranOnA = answerOn(a, NOT_REPEATABLE, "A");
    Promise<Void> heldByB = holdOn(b, NOT_REPEATABLE, a.vertx());
    long timeoutMs = 3 * ATTEMPT_TIMEOUT_MS;

    client(timeoutMs).request(NOT_REPEATABLE, new JsonObject(), "rid-2")
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertThat(heldByB.future().isComplete()).as("B received the job").isTrue();
          assertThat(failure).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
          assertThat(ranOnA).hasValue(0);
          ctx.completeNow();
        })));
  }

  // A client on A that tries B first, so the job lands on the silent node.
  private JobClient client(long timeoutMs) {
    return new JobClient(a.vertx(), tryingFirst(a, b), timeoutMs, 3, ATTEMPT_TIMEOUT_MS);
  }
}
