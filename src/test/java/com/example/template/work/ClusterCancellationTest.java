package com.example.template.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.api.JobApi;
import com.example.template.api.JobClient;
import com.example.template.node.Node;
import com.example.template.runtime.VertxFactory;
import com.example.template.security.ClusterIdentity;
import com.example.template.support.InJvmCluster;
import com.example.template.support.Conditions;
import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancellation follows a job to the node that holds it: a {@link JobClient} on one cluster member
 * (with no workers, like the launcher) sends a job to another member's node, and when its caller
 * goes away, that node stops the job and answers {@link JobApi#CANCELLED}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterCancellationTest {

  private VertxFactory.Clustered caller;
  private VertxFactory.Clustered worker;

  @BeforeEach
  void twoMembers() throws Exception {
    InJvmCluster cluster = new InJvmCluster(ClusterIdentity.generate("test"));
    // The worker holds the cluster's data: the caller joins it as a launcher's child would.
    worker = cluster.first().await(60, TimeUnit.SECONDS);
    caller = cluster.join().await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void leave() throws Exception {
    Future.join(caller.vertx().close(), worker.vertx().close()).await(60, TimeUnit.SECONDS);
  }

  @Test
  void aJobAbandonedOnOneMemberStopsOnTheMemberRunningIt() throws Exception {
    Node.deploy(worker.vertx(), TestNodes.config("""
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1, "maxBusyMs": 60000}}"""), "worker", worker.nodes())
        .await(60, TimeUnit.SECONDS);
    JobClient client = new JobClient(caller.vertx(), caller.nodes(), 60_000, 1);
    answersFrom(client);
    Promise<Void> abandoned = Promise.promise();
    long sent = System.nanoTime();

    Future<?> job = client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 30_000), "far-1", abandoned.future());
    TestNodes.eventually(caller.vertx(), ClusterCancellationTest::aWorkerSpins, 30_000).await(40, TimeUnit.SECONDS);
    abandoned.complete();

    assertThatThrownBy(() -> job.await(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(ReplyException.class,
        cancelled -> assertThat(cancelled.failureCode()).isEqualTo(JobApi.CANCELLED));
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("stopped long before its 30 s").isLessThan(Duration.ofSeconds(20));
  }

  // The worker's registration reaches the caller's view of the cluster a moment after it completes.
  private static void answersFrom(JobClient client) {
    Conditions.await("a job sent from the caller is answered", Duration.ofSeconds(20), () -> {
      try {
        client.request(BusyJob.ADDRESS, new JsonObject().put("ms", 0), null).await(10, TimeUnit.SECONDS);
        return true;
      } catch (ReplyException notYet) {
        return false;
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static boolean aWorkerSpins() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().startsWith(Node.WORKER_POOL + "-") && thread.getState() == Thread.State.RUNNABLE);
  }
}
