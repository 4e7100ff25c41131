package com.example.template.launcher;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * One of the launcher's N places for a child (PM2's "id"): the child running in it now, the one
 * replacing it during a reload, and the history that the restart policy and {@code list} read.
 * Touched only on the supervisor's event loop.
 */
final class Slot {

  /** What {@code list} shows for a slot. */
  enum State {
    STARTING, ONLINE, RESTARTING, ERRORED, STOPPING, STOPPED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One incarnation of the slot's child: its process and what the supervisor knows of it. */
  static final class Child {
    final ChildProcess process;
    final Promise<Void> ready = Promise.promise();
    /** The name its node answers with ({@code app-1.1@<launcher id>}); known once it is ready. */
    String node;
    /** Set when the supervisor stops this child on purpose: its exit is then no crash. */
    boolean retiring;
    long readyAt;
    /** Whether it has answered a ping: until then a miss may be the launcher's connection still opening. */
    boolean answered;
    int missedHeartbeats;
    JsonObject stats = new JsonObject();
    long rssBytes;
    double cpuPercent;
    Duration lastCpu;
    long lastCpuAtNanos;

    Child(ChildProcess process) {
      this.process = process;
    }

    boolean isReady() {
      return ready.future().succeeded();
    }
  }

  final int id;
  State state = State.STARTING;
  int generation;
  Child current;
  /** The replacement being started during a reload; promoted once it reports ready. */
  Child incoming;
  int restarts;
  int failedStarts;
  String lastError;
  /** True while a reload or a memory-limit replacement works on this slot. */
  boolean replacing;

  Slot(int id) {
    this.id = id;
  }

  /** The name of the slot's next child: {@code app-<id>.<generation>}. */
  String nextName() {
    generation++;
    return "app-" + id + "." + generation;
  }

  /** Finds the child of this slot with the given name, current or incoming. */
  Child find(String name) {
    if (current != null && current.process.name().equals(name)) {
      return current;
    }
    if (incoming != null && incoming.process.name().equals(name)) {
      return incoming;
    }
    return null;
  }

  /** The slot as {@code list} and {@code show} report it. */
  JsonObject describe() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("state", state.label())
        .put("restarts", restarts);
    if (current != null) {
      json.put("name", current.process.name())
          .put("node", current.node)
          .put("pid", current.process.pid())
          .put("uptimeMs", current.isReady() ? System.currentTimeMillis() - current.readyAt : 0)
          .put("cpuPercent", Math.round(current.cpuPercent * 10) / 10.0)
          .put("rssBytes", current.rssBytes)
          .put("requests", current.stats.getLong("requests", 0L))
          .put("jobsInFlight", current.stats.getInteger("jobsInFlight", 0))
          .put("heapUsedBytes", current.stats.getLong("heapUsedBytes", 0L))
          .put("missedHeartbeats", current.missedHeartbeats);
    }
    if (current != null && current.stats.containsKey("loopDelayMs")) {
      json.put("loopDelayMs", current.stats.getDouble("loopDelayMs"));
    }
    if (incoming != null) {
      json.put("replacement", incoming.process.name());
    }
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }
}
