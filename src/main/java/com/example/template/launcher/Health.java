package com.example.template.launcher;

import com.example.template.config.AppConfig;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The children's health, checked at every heartbeat: each online child is measured from outside
 * ({@link Slot.Child#measure}: a stuck child still gets measured) and pinged. One that misses
 * {@code supervisor.heartbeatMisses} pings in a row has a blocked event loop or a wedged JVM: it
 * cannot drain, so it is killed, and the supervisor restarts it like any crash. One over
 * {@code supervisor.maxMemoryMb} is replaced, the replacement ready before it drains. Runs on
 * the supervisor's event loop.
 */
final class Health {

  private static final Logger LOG = LoggerFactory.getLogger(Health.class);

  private final AppConfig.Supervisor settings;
  private final ChildOrders orders;
  private final Function<Slot, Future<String>> replace;
  private final BooleanSupplier stopping;

  /**
   * @param replace replaces a slot's child, the replacement ready first ({@link Rollout#replace})
   * @param stopping whether the launcher is stopping: then nothing is killed or replaced
   */
  Health(AppConfig.Supervisor settings, ChildOrders orders, Function<Slot, Future<String>> replace,
      BooleanSupplier stopping) {
    this.settings = settings;
    this.orders = orders;
    this.replace = replace;
    this.stopping = stopping;
  }

  /** One heartbeat: measures and pings every online child, and acts on what it finds. */
  void heartbeat(List<Slot> slots) {
    for (Slot slot : slots) {
      Slot.Child child = slot.current;
      if (child == null || !child.isReady() || child.retiring) {
        continue;
      }
      child.measure();
      orders.ping(child, settings.heartbeatIntervalMs())
          .onSuccess(stats -> {
            child.answered = true;
            child.missedHeartbeats = 0;
          })
          .onFailure(e -> {
            // A child that has not answered yet may only be waiting for the launcher's connection
            // to it to open: its misses count once it has had as long as the misses themselves
            // allow (5 s by default), so a cold handshake gets 10 s in all before a kill, and a
            // child blocked from its first moment is still replaced.
            long grace = settings.heartbeatIntervalMs() * settings.heartbeatMisses();
            if (child.answered || System.currentTimeMillis() - child.readyAt >= grace) {
              missedHeartbeat(slot, child);
            }
          });
      long limit = settings.maxMemoryMb() * 1024 * 1024;
      if (limit > 0 && child.rssBytes > limit && !slot.replacing && !stopping.getAsBoolean()) {
        LOG.warn("{} uses {} MB, over the {} MB limit: replacing it", child.process.name(),
            child.rssBytes / (1024 * 1024), settings.maxMemoryMb());
        replace.apply(slot).onFailure(e -> LOG.warn("slot {}: replacing the child over its memory limit failed: {}", slot.id, e.getMessage()));
      }
    }
  }

  private void missedHeartbeat(Slot slot, Slot.Child child) {
    if (child != slot.current || child.retiring || stopping.getAsBoolean()) {
      return;
    }
    child.missedHeartbeats++;
    if (child.missedHeartbeats == settings.heartbeatMisses()) {
      // Its event loop is blocked or the JVM is wedged: it cannot drain, so it is killed and the
      // exit handler restarts it like any crash.
      LOG.warn("{} missed {} heartbeats in a row (event loop blocked?): killing and replacing it",
          child.process.name(), child.missedHeartbeats);
      child.killedBecause = "missed " + child.missedHeartbeats + " heartbeats in a row (event loop blocked?)";
      child.process.kill();
    }
  }
}
