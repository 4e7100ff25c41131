package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.api.JobClient;
import com.example.template.config.AppConfig;
import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import com.example.template.support.Conditions;
import com.example.template.support.JarProcess;
import com.example.template.support.ScratchDirs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import com.example.template.work.BusyJob;

/**
 * A JVM service in the cluster sends a steady stream of repeatable jobs while the child running
 * them is killed with {@code kill -9}: every job is answered with success, the lost ones after
 * running again on the other child.
 */
class NodeLossIT {

  private static final int STREAMS = 4;

  @Test
  void killingTheNodeRunningJobsLosesNoRepeatableJob() throws Exception {
    // A service joins the launcher's cluster with the identity the operator gave both.
    Path identityDir = ScratchDirs.create("node-loss-it").resolve("identity");
    ClusterIdentity.generate("node-loss-it").write(identityDir);
    ClusterFixture cluster = new ClusterFixture(new JsonObject()
        .put("cluster", new JsonObject().put("identityDir", identityDir.toString()))
        .put("jobs", new JsonObject().put("workers", 2)));
    try (JarProcess launcher = cluster.launch(2)) {
      launcher.awaitLines(ClusterFixture.ONLINE, 2, Duration.ofSeconds(60));
      AppConfig.Cluster settings = new AppConfig.Cluster("conf/cluster.xml", "unused", "127.0.0.1", 0, null, false);
      VertxFactory.Clustered client = VertxFactory.join(settings, JarProcess.appHome().resolve("conf/cluster.xml"),
              ClusterIdentity.load(identityDir))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try {
        JobClient jobs = new JobClient(client.vertx(), client.nodes(), 30_000, 3);
        String victim = cluster.child(1).getString("node");
        long victimPid = cluster.child(1).getLong("pid");

        Stream stream = new Stream(jobs);
        Conditions.await("jobs running on " + victim, Duration.ofSeconds(20), () -> stream.ranOn(victim) >= 4);
        int mark = launcher.lineCount();
        JarProcess.signal(victimPid, "KILL");
        launcher.awaitLineAfter(mark, Pattern.compile("app-1\\.\\d+ online"), Duration.ofSeconds(60));
        int answeredBeforeStop = stream.succeeded();
        // At least 20 more after the restart, and over 40 in all: a stream, not a handful.
        Conditions.await("jobs after the restart", Duration.ofSeconds(20),
            () -> stream.succeeded() > Math.max(answeredBeforeStop + 20, 40));
        stream.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(stream.failures).as("failed jobs").isEmpty();
        assertThat(stream.succeeded()).isGreaterThan(40);
        assertThat(jobs.retries()).as("jobs run again after the kill").isPositive();
      } finally {
        client.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** {@value STREAMS} loops, each sending one busy job after another until stopped. */
  private static final class Stream {
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final JobClient jobs;
    private final AtomicInteger ok = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perNode = new ConcurrentHashMap<>();
    private final List<Future<Void>> loops = new ArrayList<>();
    private volatile boolean stopped;

    Stream(JobClient jobs) {
      this.jobs = jobs;
      for (int i = 0; i < STREAMS; i++) {
        Promise<Void> loop = Promise.promise();
        loops.add(loop.future());
        next(loop, 0);
      }
    }

    private void next(Promise<Void> loop, int sent) {
      if (stopped || sent >= 2_000) {
        loop.complete();
        return;
      }
      jobs.request(BusyJob.ADDRESS, new JsonObject().put("ms", 50), null).onComplete(ar -> {
        if (ar.succeeded()) {
          ok.incrementAndGet();
          perNode.computeIfAbsent(ar.result().body().getString("node"), n -> new AtomicInteger()).incrementAndGet();
        } else {
          failures.add(String.valueOf(ar.cause()));
        }
        next(loop, sent + 1);
      });
    }

    int succeeded() {
      return ok.get();
    }

    int ranOn(String node) {
      AtomicInteger count = perNode.get(node);
      return count == null ? 0 : count.get();
    }

    Future<Void> stop() {
      stopped = true;
      return Future.all(loops).mapEmpty();
    }
  }
}
