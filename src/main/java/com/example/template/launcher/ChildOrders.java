package com.example.template.launcher;

import com.example.template.control.ControlAddresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's two orders to a child, over the event bus at the child's control address:
 * {@code ping}, which the child answers with its stats once every HTTP event loop has answered,
 * and {@code drain}, after which it exits.
 */
final class ChildOrders {

  private static final Logger LOG = LoggerFactory.getLogger(ChildOrders.class);

  private final Vertx vertx;
  private final String launcherId;
  private final long drainTimeoutMs;

  /** @param drainTimeoutMs how long a child may take to exit after the drain order before it is killed */
  ChildOrders(Vertx vertx, String launcherId, long drainTimeoutMs) {
    this.vertx = vertx;
    this.launcherId = launcherId;
    this.drainTimeoutMs = drainTimeoutMs;
  }

  /** Asks a child for its stats; only an answer that came back in time counts. */
  Future<JsonObject> ping(Slot.Child child, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(ControlAddresses.child(launcherId, child.process.name()),
            new JsonObject().put("op", "ping"), new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(reply -> {
          child.stats(reply.body());
          return reply.body();
        });
  }

  /** Orders a child to drain over the event bus (SIGTERM if that fails) and waits for its exit. */
  Future<Void> retire(Slot.Child child) {
    child.retiring = true;
    if (!child.process.alive()) {
      return Future.succeededFuture();
    }
    LOG.info("{} draining", child.process.name());
    vertx.eventBus().request(ControlAddresses.child(launcherId, child.process.name()),
            new JsonObject().put("op", "drain"), new DeliveryOptions().setSendTimeout(2_000))
        .onFailure(e -> child.process.terminate());
    Promise<Void> exited = Promise.promise();
    child.process.onExit().thenAccept(code -> exited.tryComplete());
    long timer = vertx.setTimer(drainTimeoutMs, t -> {
      LOG.warn("{} still running {} ms after the drain order: killing it", child.process.name(), drainTimeoutMs);
      child.process.kill();
    });
    return exited.future().onComplete(ar -> vertx.cancelTimer(timer));
  }
}
