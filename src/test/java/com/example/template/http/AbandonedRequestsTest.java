package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import com.example.template.work.JobWorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that closes its connection before the answer takes its job with it: a job still
 * queued never starts, and a running one stops. Before, 300 requests closed after 0.5 s filled
 * the workers' queues and the next real job waited 30 s for a 504. One worker here, so every job
 * queues behind the one before it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbandonedRequestsTest {

  private static final String ONE_WORKER = """
      {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1, "maxInFlight": 16, "timeoutMs": 20000}}""";
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void aQueuedJobWhoseClientLeftNeverStarts(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, ONE_WORKER).await(20, TimeUnit.SECONDS);
    long holdMs = 3_000;
    long abandonedMs = 10_000;
    try (CapturedLog log = new CapturedLog(JobWorkerVerticle.class)) {
      var holder = TestNodes.client(vertx, node).get("/work/busy?ms=" + holdMs).send();
      await(vertx, () -> node.inFlight().inFlight() == 1);
      try (RawConnection leaving = new RawConnection(node.httpPort())) {
        leaving.send("GET /work/busy?ms=" + abandonedMs + " HTTP/1.1\r\nHost: a\r\nX-Request-Id: abandoned-1\r\n\r\n");
        await(vertx, () -> node.inFlight().inFlight() == 2);
      }
      long sent = System.nanoTime();

      HttpResponse<Buffer> next = TestNodes.client(vertx, node).get("/work/busy?ms=0").send().await(20, TimeUnit.SECONDS);

      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(msSince(sent)).as("waited for the running job only, not for the abandoned one")
          .isLessThan(holdMs + abandonedMs / 2);
      assertThat(holder.await(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(log.await(Level.DEBUG, 3, BOUND)).as("what the worker did, in order").containsExactly(
          "work.busy done",
          "work.busy failed with 499: cancelled by its caller before it started",
          "work.busy done");
      await(vertx, () -> node.inFlight().inFlight() == 0);
      assertThat(log.errors()).isEmpty();
    }
  }

  @Test
  void aRunningJobWhoseClientLeftStops(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, ONE_WORKER).await(20, TimeUnit.SECONDS);
    try (CapturedLog log = new CapturedLog(JobWorkerVerticle.class)) {
      try (RawConnection leaving = new RawConnection(node.httpPort())) {
        leaving.send("GET /work/busy?ms=15000 HTTP/1.1\r\nHost: a\r\n\r\n");
        await(vertx, AbandonedRequestsTest::aWorkerSpins);
      }
      long left = System.nanoTime();

      await(vertx, () -> node.inFlight().inFlight() == 0);
      HttpResponse<Buffer> next = TestNodes.client(vertx, node).get("/work/busy?ms=0").send().await(20, TimeUnit.SECONDS);

      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(msSince(left)).as("the 15 s job stopped as its client left").isLessThan(2_000);
      assertThat(log.await(Level.DEBUG, 2, BOUND).get(0)).matches("work.busy failed with 499: cancelled by its caller after \\d+ ms");
      assertThat(log.errors()).isEmpty();
    }
  }

  private static void await(Vertx vertx, java.util.function.BooleanSupplier condition) throws Exception {
    TestNodes.eventually(vertx, condition, BOUND.toMillis()).await(BOUND.toMillis() + 1_000, TimeUnit.MILLISECONDS);
  }

  // The one worker thread is running (spinning in the busy loop), not parked waiting for a job.
  private static boolean aWorkerSpins() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().startsWith(Node.WORKER_POOL + "-") && thread.getState() == Thread.State.RUNNABLE);
  }

  private static long msSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
