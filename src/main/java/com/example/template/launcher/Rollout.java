package com.example.template.launcher;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * Changing the children without downtime: a slot's replacement starts beside its child and is
 * ready before the old child drains ({@code reload}, {@code restart}, the memory limit), new
 * slots count once their child is ready, and a removed slot's child drains as in a reload
 * ({@code scale}). The operators' changes run one after another, in the order asked: one asked
 * for while another runs starts once that one has finished. Runs on the supervisor's event loop.
 */
final class Rollout {

  private final List<Slot> slots;
  private final Function<Slot, Slot.Child> spawn;
  private final ChildOrders orders;
  private final BooleanSupplier stopping;
  private final int maxProcesses;
  /** The last generation of each removed slot: a slot added again later never reuses a child's name. */
  private final Map<Integer, Integer> removedGenerations = new HashMap<>();
  private Future<Void> queue = Future.succeededFuture();

  /**
   * @param slots the supervisor's slots, which {@code scale} adds to and removes from
   * @param spawn forks a slot's next child and watches it, or returns null when no JVM can be
   *     started (the slot then says why)
   * @param stopping whether the launcher is stopping: then nothing new starts
   * @param maxProcesses the most children {@code scale} may ask for
   */
  Rollout(List<Slot> slots, Function<Slot, Slot.Child> spawn, ChildOrders orders, BooleanSupplier stopping,
      int maxProcesses) {
    this.slots = slots;
    this.spawn = spawn;
    this.orders = orders;
    this.stopping = stopping;
    this.maxProcesses = maxProcesses;
  }

  /**
   * Replaces the children of the given slots (every slot, as it is when this change starts, if
   * {@code which} is null), one at a time; fails (and stops) at the first replacement that fails.
   * Completes with the new children's names.
   *
   * @param why what the slots' histories say ({@code reload}, {@code restart})
   */
  Future<JsonArray> replaceEach(List<Slot> which, String why) {
    return queued(() -> {
      JsonArray replaced = new JsonArray();
      Future<Void> chain = Future.succeededFuture();
      for (Slot slot : which == null ? List.copyOf(slots) : which) {
        chain = chain.compose(v -> slots.contains(slot)
            ? replace(slot, why).onSuccess(replaced::add).<Void>mapEmpty()
            : Future.failedFuture("slot " + slot.id + " was removed meanwhile"));
      }
      return chain.map(replaced);
    });
  }

  /**
   * Replaces one slot's child: the new one ready first, then the old one drains. Completes with
   * the new child's name. Not queued: the memory limit calls it for one slot at once.
   */
  Future<String> replace(Slot slot, String why) {
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
          slot.replaced(old == null ? "-" : old.process.name(), why);
          return old == null || old == fresh ? Future.<Void>succeededFuture() : orders.retire(old);
        })
        .map(v -> fresh.process.name())
        .eventually(() -> {
          slot.replacing = false;
          return Future.succeededFuture();
        });
  }

  /**
   * Runs {@code target(current count)} children: adds slots, each counted once its child is
   * ready, or removes the newest, one at a time, each child drained as in a reload. The target is
   * computed when this change starts, after those asked for before it.
   *
   * @throws OperatorMistake (as the failed future) when the target is below 1 or above the most allowed
   */
  Future<JsonObject> scale(IntUnaryOperator target) {
    return queued(() -> {
      int from = slots.size();
      int to = target.applyAsInt(from);
      if (to < 1) {
        return Future.failedFuture(new OperatorMistake("cannot scale to " + to + ": at least 1 child runs ("
            + from + " now; 'stop' stops them all)"));
      }
      if (to > maxProcesses) {
        return Future.failedFuture(new OperatorMistake("cannot scale to " + to + ": at most " + maxProcesses
            + " children (4 per core, or as many as the launcher started with)"));
      }
      if (stopping.getAsBoolean()) {
        return Future.failedFuture("the launcher is stopping");
      }
      Future<JsonArray> changed = to > from ? grow(from, to) : shrink(to);
      return changed.map(names -> new JsonObject().put("processes", slots.size())
          .put(to > from ? "started" : "stopped", names));
    });
  }

  // Every new child starts at once, as at the launcher's start; the change fails with the reason
  // of each child that fails its start (its slot stays, and the restart policy goes on with it).
  private Future<JsonArray> grow(int from, int to) {
    List<Future<String>> online = new ArrayList<>();
    for (int id = from + 1; id <= to; id++) {
      Slot slot = new Slot(id, removedGenerations.getOrDefault(id, 0));
      slots.add(slot);
      Slot.Child child = spawn.apply(slot);
      slot.current = child;
      online.add(child == null
          ? Future.failedFuture("slot " + id + ": " + slot.lastError)
          : child.ready.future().map(v -> child.process.name()));
    }
    return Future.join(online).transform(ar -> {
      List<String> failures = online.stream().filter(Future::failed).map(f -> f.cause().getMessage()).toList();
      return failures.isEmpty()
          ? Future.succeededFuture(new JsonArray(online.stream().map(Future::result).toList()))
          : Future.failedFuture(String.join("; ", failures) + " (the slot stays; 'list' shows it, 'scale "
              + from + "' removes it)");
    });
  }

  // The newest first, one at a time: the others keep serving, and capacity falls one child at a time.
  private Future<JsonArray> shrink(int to) {
    JsonArray stopped = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    List<Slot> leaving = new ArrayList<>(slots.subList(to, slots.size()));
    Collections.reverse(leaving);
    for (Slot slot : leaving) {
      chain = chain.compose(v -> remove(slot).onSuccess(stopped::add).mapEmpty());
    }
    return chain.map(stopped);
  }

  private Future<String> remove(Slot slot) {
    slot.state = Slot.State.STOPPING;
    String name = slot.current == null ? "slot " + slot.id : slot.current.process.name();
    List<Future<Void>> exits = new ArrayList<>();
    for (Slot.Child child : new Slot.Child[] {slot.current, slot.incoming}) {
      if (child != null) {
        exits.add(orders.retire(child));
      }
    }
    return Future.join(exits).transform(ar -> {
      slots.remove(slot);
      removedGenerations.put(slot.id, slot.generation);
      return Future.succeededFuture(name);
    });
  }

  // Chains an operator's change after the ones asked for before it, whether they failed or not.
  private <T> Future<T> queued(Supplier<Future<T>> change) {
    Future<T> result = queue.transform(ar -> change.get());
    queue = result.transform(ar -> Future.succeededFuture());
    return result;
  }
}
