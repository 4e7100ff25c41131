package com.example.template.launcher;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Replacing children without downtime: a slot's replacement starts beside its child and is
 * ready before the old child drains. {@code reload} replaces every child, one slot at a time;
 * the memory limit replaces one. Runs on the supervisor's event loop.
 */
final class Rollout {

  private final List<Slot> slots;
  private final Function<Slot, Slot.Child> spawn;
  private final ChildOrders orders;
  private final BooleanSupplier stopping;
  private Future<Void> reloading = Future.succeededFuture();

  /**
   * @param spawn forks a slot's next child and watches it, or returns null when no JVM can be
   *     started (the slot then says why)
   * @param stopping whether the launcher is stopping: then nothing new starts
   */
  Rollout(List<Slot> slots, Function<Slot, Slot.Child> spawn, ChildOrders orders, BooleanSupplier stopping) {
    this.slots = slots;
    this.spawn = spawn;
    this.orders = orders;
    this.stopping = stopping;
  }

  /**
   * Replaces every child, one at a time; fails (and stops) at the first replacement that fails.
   * A reload asked for while another runs starts once that one has finished.
   */
  Future<JsonArray> reload() {
    JsonArray replaced = new JsonArray();
    Future<Void> chain = reloading.recover(e -> Future.succeededFuture());
    for (Slot slot : slots) {
      chain = chain.compose(v -> replace(slot).onSuccess(name -> replaced.add(name)).mapEmpty());
    }
    reloading = chain;
    return chain.map(replaced);
  }

  /** Replaces one slot's child: the new one ready first, then the old one drains. Completes with the new child's name. */
  Future<String> replace(Slot slot) {
    if (stopping.getAsBoolean()) {
      return Future.failedFuture("the launcher is stopping");
    }
    slot.replacing = true;
    Slot.Child old = slot.current;
    Slot.Child fresh = spawn.apply(slot);
    if (fresh == null) {
      slot.replacing = false;
      return Future.failedFuture("slot " + slot.id + ": " + slot.lastError);
    }
    if (old == null || !old.process.alive()) {
      // Nothing serving in this slot (errored, or waiting for a restart): start it afresh.
      slot.current = fresh;
      slot.failedStarts = 0;
      slot.lastError = null;
    } else {
      slot.incoming = fresh;
      slot.state = old.isReady() ? Slot.State.ONLINE : slot.state;
    }
    return fresh.ready.future()
        .compose(v -> {
          slot.current = fresh;
          slot.incoming = null;
          slot.state = Slot.State.ONLINE;
          return old == null || old == fresh ? Future.<Void>succeededFuture() : orders.retire(old);
        })
        .map(v -> fresh.process.name())
        .eventually(() -> {
          slot.replacing = false;
          return Future.succeededFuture();
        });
  }
}
