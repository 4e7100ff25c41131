package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's story, measured from the client's side: a long computation sent to a worker
 * ({@code /work/busy}) runs in parallel with the others and leaves {@code /hello} answering at
 * once. One HTTP instance, so every request shares one event loop; two job workers. (The same
 * computation on the event loop is {@code DemoRoutesTest}.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class WorkerOffloadTest {

  private static final String CONFIG = """
      {"http": {"port": 0, "instances": 1},
       "jobs": {"workers": 2, "maxInFlight": 8, "timeoutMs": 10000}}""";

  private static final long JOB_MS = 1_000;

  private Node node;
  private WebClient client;

  @BeforeEach
  void deployNode(Vertx vertx, VertxTestContext ctx) {
    TestNodes.deploy(vertx, CONFIG).onComplete(ctx.succeeding(deployed -> {
      node = deployed;
      client = TestNodes.client(vertx, deployed);
      ctx.completeNow();
    }));
  }

  @Test
  void twoBusyJobsRunInParallelOnTwoWorkers(VertxTestContext ctx) {
    Checkpoint bothAnswered = ctx.checkpoint();
    long started = System.nanoTime();

    Future.all(busy(JOB_MS), busy(JOB_MS)).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      long elapsedMs = msSince(started);
      List<HttpResponse<Buffer>> responses = all.list();
      assertThat(responses).allSatisfy(response -> {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getLong("elapsedMs")).isGreaterThanOrEqualTo(JOB_MS);
      });
      assertThat(responses.get(0).bodyAsJsonObject().getString("thread"))
          .as("each job has a worker of its own")
          .isNotEqualTo(responses.get(1).bodyAsJsonObject().getString("thread"));
      assertThat(elapsedMs).as("two %d ms jobs on two workers, one after the other would take 2x", JOB_MS)
          .isLessThan(1_800);
      bothAnswered.flag();
    })));
  }

  @Test
  void helloStaysFastWhileEveryWorkerIsBusy(Vertx vertx, VertxTestContext ctx) {
    Checkpoint helloFast = ctx.checkpoint();
    Checkpoint jobsDone = ctx.checkpoint();

    // Warm the route first: the claim is about busy workers, not about a cold JVM.
    client.get("/hello").send().onComplete(ctx.succeeding(warm -> {
      Future<List<HttpResponse<Buffer>>> jobs = Future.all(busy(JOB_MS), busy(JOB_MS)).map(all -> all.list());
      TestNodes.eventually(vertx, () -> node.inFlight().inFlight() == 2, 2_000)
          .compose(bothInFlight -> {
            long sent = System.nanoTime();
            return client.get("/hello").send().map(hello -> {
              ctx.verify(() -> {
                assertThat(hello.statusCode()).isEqualTo(200);
                assertThat(hello.bodyAsString()).isEqualTo("Hi there");
                assertThat(msSince(sent)).isLessThan(500);
                assertThat(jobs.isComplete()).as("the workers were still busy when /hello answered").isFalse();
                helloFast.flag();
              });
              return hello;
            });
          })
          .compose(hello -> jobs)
          .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
            assertThat(responses).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
            jobsDone.flag();
          })));
    }));
  }

  private Future<HttpResponse<Buffer>> busy(long ms) {
    return client.get("/work/busy").addQueryParam("ms", Long.toString(ms)).send();
  }

  private static long msSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
