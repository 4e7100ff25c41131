package com.example.template.api;

import static com.example.template.support.HeldJobs.answerOn;
import static com.example.template.support.HeldJobs.await;
import static com.example.template.support.HeldJobs.holdOn;
import static com.example.template.support.HeldJobs.tryingFirst;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import com.example.template.support.InJvmCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import com.example.template.work.BusyJob;

/**
 * Two clustered Vert.x instances in this JVM, on loopback: a caller on node A sends a job that
 * lands on node B, and B leaves the cluster before answering. A repeatable job is run again on
 * A; any other job fails with OUTCOME_UNKNOWN, at once rather than at its timeout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class JobClientClusterTest {

  private static final long TIMEOUT_MS = 30_000;
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
  void aRepeatableJobHeldByANodeThatLeavesIsRunAgainElsewhere(VertxTestContext ctx) {
    answerOn(a, BusyJob.ADDRESS, "A");
    Promise<Void> heldByB = holdOn(b, BusyJob.ADDRESS, a.vertx());
    long started = System.nanoTime();

    client().request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), "rid-1")
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.body().getString("ranOn")).isEqualTo("A");
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(TIMEOUT_MS / 2);
          ctx.completeNow();
        })));
    heldByB.future().onSuccess(v -> b.vertx().close());
  }

  @Test
  void aJobThatIsNotSafeToRepeatFailsWithOutcomeUnknown(VertxTestContext ctx) {
    answerOn(a, NOT_REPEATABLE, "A");
    Promise<Void> heldByB = holdOn(b, NOT_REPEATABLE, a.vertx());

    client().request(NOT_REPEATABLE, new JsonObject(), "rid-2")
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertThat(failure).isInstanceOf(ReplyException.class);
          ReplyException reply = (ReplyException) failure;
          assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
          assertThat(reply.failureCode()).isEqualTo(JobApi.OUTCOME_UNKNOWN);
          ctx.completeNow();
        })));
    heldByB.future().onSuccess(v -> b.vertx().close());
  }

  @Test
  void nodesWithoutWorkersAreSkipped(VertxTestContext ctx) {
    answerOn(a, BusyJob.ADDRESS, "A"); // B runs no job at all, like the launcher

    client().request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), null)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.body().getString("ranOn")).isEqualTo("A");
          ctx.completeNow();
        })));
  }

  // A client on A that tries B first, so the job lands on the node that will leave.
  private JobClient client() {
    return new JobClient(a.vertx(), tryingFirst(a, b), TIMEOUT_MS, 3);
  }
}
