package com.example.template.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.config.AppConfig;
import com.example.template.runtime.VertxFactory;
import com.example.template.support.InJvmCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clustered event bus runs mutual TLS: a member that joined Hazelcast with the right cluster
 * name but without the key (another certificate, or none at all) can neither deliver a message
 * to a node nor receive one sent to it. (Members with the key talk: JobClientClusterTest runs on
 * the same TLS setup.)
 */
class EventBusTlsTest {

  private static final Path CLUSTER_FILE = Path.of("conf/cluster.xml");
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(3_000);

  private final ClusterIdentity identity = ClusterIdentity.generate("tls-test");
  private final InJvmCluster cluster = new InJvmCluster(identity);
  private final List<Vertx> started = new ArrayList<>();
  private final AtomicInteger ranOnNode = new AtomicInteger();
  private Vertx node;

  @BeforeEach
  void aNodeWithTheKey() throws Exception {
    node = cluster.first().await(60, TimeUnit.SECONDS).vertx();
    started.add(node);
    node.eventBus().consumer("test.work", message -> {
      ranOnNode.incrementAndGet();
      message.reply("done");
    }).completion().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void leave() throws Exception {
    Future.join(started.stream().map(Vertx::close).toList()).await(60, TimeUnit.SECONDS);
  }

  @Test
  void aMemberWithAnotherKeyCanNeitherDeliverNorReceive() throws Exception {
    SelfSignedCertificate otherKey = SelfSignedCertificate.create("vertx-template cluster", java.time.Duration.ofDays(1));
    Vertx intruder = join(new ClusterIdentity(identity.name(), otherKey.certificate(), otherKey.privateKey(),
        otherKey.certificate()));

    assertCannotDeliverNorReceive(intruder);
  }

  @Test
  void aMemberWithoutTlsCanNeitherDeliverNorReceive() throws Exception {
    Vertx intruder = VertxFactory.joinLauncher(
            new AppConfig.Cluster("conf/cluster.xml", identity.name(), "127.0.0.1", 0, null, true), CLUSTER_FILE, null,
            cluster.address())
        .await(60, TimeUnit.SECONDS).vertx();
    started.add(intruder);

    assertCannotDeliverNorReceive(intruder);
  }

  private void assertCannotDeliverNorReceive(Vertx intruder) throws Exception {
    Future<Object> delivered = sendOnceRegistered(intruder, "test.work");
    assertThat(delivered.failed()).isTrue();
    assertThat(((ReplyException) delivered.cause()).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(ranOnNode).as("jobs the node ran for the intruder").hasValue(0);

    AtomicInteger receivedByIntruder = new AtomicInteger();
    intruder.eventBus().consumer("test.intruder", message -> {
      receivedByIntruder.incrementAndGet();
      message.reply("stolen");
    }).completion().await(30, TimeUnit.SECONDS);
    Future<Object> received = sendOnceRegistered(node, "test.intruder");
    assertThat(received.failed()).isTrue();
    assertThat(receivedByIntruder).as("messages the intruder received").hasValue(0);
  }

  /**
   * Sends one request once the sender's view of the cluster has a consumer for the address
   * (registrations reach other members a moment after they complete), and waits for its outcome.
   */
  private static Future<Object> sendOnceRegistered(Vertx sender, String address) {
    // Up to 60 s: on a loaded machine a registration took over 30 s to reach another member.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Future<Object> outcome = sender.eventBus().request(address, "job", QUICK).map(reply -> reply.body());
      try {
        outcome.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the outcome itself is what the caller looks at
      }
      boolean noHandlersYet = outcome.failed() && outcome.cause() instanceof ReplyException e
          && e.failureType() == ReplyFailure.NO_HANDLERS;
      if (!noHandlersYet || System.nanoTime() > deadline) {
        return outcome;
      }
    }
  }

  private Vertx join(ClusterIdentity as) throws Exception {
    Vertx vertx = cluster.join(as).await(60, TimeUnit.SECONDS).vertx();
    started.add(vertx);
    return vertx;
  }
}
