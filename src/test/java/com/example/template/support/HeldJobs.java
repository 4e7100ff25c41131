package com.example.template.support;

import com.example.template.api.ClusterNodes;
import com.example.template.api.JobApi;
import com.example.template.runtime.VertxFactory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Jobs that a member of an in-JVM cluster takes and never answers (a node about to leave, or gone
 * silent), for the tests of what a {@code JobClient} on another member does then.
 */
public final class HeldJobs {

  private HeldJobs() {
  }

  /**
   * Registers, on {@code node}'s own address for {@code address}, a worker that takes each job and
   * never answers; it answers probes ({@code {"probe": true}}), so this returns only once
   * {@code sender}'s view of the cluster has the registration (registrations reach the other
   * members' caches a moment after they complete: over 2 s here under load with TLS).
   *
   * @return completes when the first job arrives
   */
  public static Promise<Void> holdOn(VertxFactory.Clustered node, String address, Vertx sender) {
    Promise<Void> received = Promise.promise();
    String nodeAddress = JobApi.nodeAddress(address, node.nodes().self());
    await(node.vertx().eventBus().<JsonObject>consumer(nodeAddress, message -> {
      if (message.body().containsKey("probe")) {
        message.reply(new JsonObject());
      } else {
        received.tryComplete();
      }
    }).completion());
    await(visibleFrom(sender, nodeAddress, 500));
    return received;
  }

  /**
   * Registers, on {@code node}'s own address for {@code address}, a worker that answers each job
   * at once with {@code {"ranOn": name}}.
   *
   * @return how many jobs it has answered
   */
  public static AtomicInteger answerOn(VertxFactory.Clustered node, String address, String name) {
    AtomicInteger ran = new AtomicInteger();
    await(node.vertx().eventBus().<JsonObject>consumer(JobApi.nodeAddress(address, node.nodes().self()),
        message -> {
          ran.incrementAndGet();
          message.reply(new JsonObject().put("ranOn", name));
        }).completion());
    return ran;
  }

  /**
   * {@code caller}'s view of the cluster with {@code first} listed first, so that a {@code
   * JobClient} on {@code caller} sends its jobs to {@code first} before anyone else.
   */
  public static ClusterNodes tryingFirst(VertxFactory.Clustered caller, VertxFactory.Clustered first) {
    ClusterNodes real = caller.nodes();
    return new ClusterNodes() {
      @Override
      public String self() {
        return real.self();
      }

      @Override
      public List<String> all() {
        return List.of(first.nodes().self(), real.self());
      }

      @Override
      public void onLeft(Consumer<String> listener) {
        real.onLeft(listener);
      }
    };
  }

  /** Completes once a probe from {@code sender} to {@code address} is answered; tries every 20 ms. */
  public static Future<Void> visibleFrom(Vertx sender, String address, int triesLeft) {
    return sender.eventBus().request(address, new JsonObject().put("probe", true)).<Void>mapEmpty()
        .recover(failure -> {
          if (triesLeft == 0) {
            return Future.failedFuture(failure);
          }
          Promise<Void> later = Promise.promise();
          sender.setTimer(20, t -> visibleFrom(sender, address, triesLeft - 1).onComplete(later));
          return later.future();
        });
  }

  /** The future's result, waiting at most 30 s; its failure as an AssertionError. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
