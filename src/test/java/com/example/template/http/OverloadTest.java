package com.example.template.http;

import static com.example.template.http.RoutesTest.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node that has more work than it may take says so at once (503 with {@code Retry-After}) and
 * a job that outlives its time is a 504: a client is never left with a queue that only ends in
 * a timeout, nor with a request that hangs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class OverloadTest {

  @Test
  void aJobOverTheInFlightBoundIsAFast503WithRetryAfter(Vertx vertx, VertxTestContext ctx) {
    Checkpoint overloaded = ctx.checkpoint();
    Checkpoint longJobDone = ctx.checkpoint();
    Checkpoint acceptedAgain = ctx.checkpoint();
    String config = """
        {"http": {"port": 0, "instances": 1},
         "jobs": {"workers": 1, "maxInFlight": 1, "timeoutMs": 5000}}""";

    TestNodes.deploy(vertx, config).onComplete(ctx.succeeding(node -> {
      WebClient client = TestNodes.client(vertx, node);
      Future<HttpResponse<Buffer>> longJob = client.get("/work/busy?ms=800").send();

      TestNodes.eventually(vertx, () -> node.inFlight().inFlight() == 1, 2_000)
          .compose(inFlight -> {
            long sent = System.nanoTime();
            Future<HttpResponse<Buffer>> busy = client.get("/work/busy?ms=0").send();
            Future<HttpResponse<Buffer>> hash = client.post("/work/hash")
                .sendJsonObject(new JsonObject().put("password", "pw"));
            return Future.all(busy, hash).onSuccess(both -> ctx.verify(() -> {
              for (HttpResponse<Buffer> response : List.of(busy.result(), hash.result())) {
                assertJsonError(response, 503, "too many jobs in flight, retry shortly");
                assertThat(response.getHeader("Retry-After")).isEqualTo("1");
              }
              assertThat(msSince(sent)).as("refused at once, not queued").isLessThan(500);
              assertThat(longJob.isComplete()).as("the first job was still in flight").isFalse();
              overloaded.flag();
            }));
          })
          .compose(refused -> longJob)
          .compose(done -> {
            ctx.verify(() -> assertThat(done.statusCode()).isEqualTo(200));
            longJobDone.flag();
            return client.get("/work/busy?ms=0").send();
          })
          .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
            assertThat(again.statusCode()).as("the bound frees with the job").isEqualTo(200);
            acceptedAgain.flag();
          })));
    }));
  }

  @Test
  void aJobPastTheTimeoutIsA504AtTheTimeout(Vertx vertx, VertxTestContext ctx) {
    Checkpoint timedOut = ctx.checkpoint();
    String config = """
        {"http": {"port": 0, "instances": 1},
         "jobs": {"workers": 1, "maxInFlight": 4, "timeoutMs": 300}}""";
    long jobMs = 900;

    TestNodes.deploy(vertx, config).onComplete(ctx.succeeding(node -> {
      long sent = System.nanoTime();
      TestNodes.client(vertx, node).get("/work/busy?ms=" + jobMs).putHeader("X-Request-Id", "slow-1").send()
          .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
            long elapsedMs = msSince(sent);
            assertJsonError(response, 504, "the job did not finish in time");
            assertThat(response.getHeader("X-Request-Id")).isEqualTo("slow-1");
            assertThat(elapsedMs).as("answered at the 300 ms timeout, not when the job ended")
                .isGreaterThanOrEqualTo(300)
                .isLessThan(jobMs);
            assertThat(node.inFlight().inFlight()).as("the timed-out job no longer counts").isZero();
            timedOut.flag();
          })));
    }));
  }

  private static long msSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
