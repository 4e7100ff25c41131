package com.example.template.launcher;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One of the launcher's N places for a child (PM2's "id"): the child running in it now, the one
 * replacing it during a reload, and the history that the restart policy, {@code list} and
 * {@code show} read. Touched only on the supervisor's event loop.
 */
final class Slot {

  /** How many replacements {@code show} lists, newest last: enough to see a pattern, bounded. */
  static final int KEPT_REPLACEMENTS = 5;

  /** How many heartbeat answers the request rate spans: a rate over the last few seconds, not one tick. */
  private static final int RATE_SAMPLES = 4;

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
    /** The command line it was started with, for {@code show}. */
    final List<String> command;
    final Promise<Void> ready = Promise.promise();
    /** The name its node answers with ({@code app-1.1@<launcher id>}); known once it is ready. */
    String node;
    /** Where its {@code /metrics} listens, from its ready report; -1 for nowhere. */
    int managementPort = -1;
    /** Set when the supervisor stops this child on purpose: its exit is then no crash. */
    boolean retiring;
    /** Why the supervisor killed it (missed heartbeats), for the slot's history; null if it did not. */
    String killedBecause;
    long readyAt;
    /** Whether it has answered a ping: until then a miss may be the launcher's connection still opening. */
    boolean answered;
    int missedHeartbeats;
    JsonObject stats = new JsonObject();
    long rssBytes;
    double cpuPercent;
    Duration lastCpu;
    long lastCpuAtNanos;
    /** Request counts from the last heartbeat answers, oldest first: {nanoTime, requests}. */
    private final Deque<long[]> requestSamples = new ArrayDeque<>();
    double reqPerSec;

    Child(ChildProcess process, List<String> command) {
      this.process = process;
      this.command = List.copyOf(command);
    }

    boolean isReady() {
      return ready.future().succeeded();
    }

    /**
     * Reads its RSS and CPU from outside ({@link ProcStats}: a stuck child still gets measured).
     * CPU is a share of one core between two measures; the first one, which has no earlier measure,
     * gives the average since the process started, so a child shows a figure from its first row on.
     */
    void measure() {
      long pid = process.pid();
      ProcStats.rssBytes(pid).ifPresent(rss -> rssBytes = rss);
      ProcStats.cpuTime(pid).ifPresent(cpu -> {
        long now = System.nanoTime();
        if (lastCpu != null) {
          cpuPercent = 100.0 * cpu.minus(lastCpu).toNanos() / Math.max(1, now - lastCpuAtNanos);
        } else {
          long aliveMs = Math.max(1, System.currentTimeMillis() - process.startedAt());
          cpuPercent = 100.0 * cpu.toMillis() / aliveMs;
        }
        lastCpu = cpu;
        lastCpuAtNanos = now;
      });
    }

    /** Takes a heartbeat's answer: its stats, and the request rate over the last few answers. */
    void stats(JsonObject answer) {
      stats = answer;
      long now = System.nanoTime();
      requestSamples.addLast(new long[] {now, answer.getLong("requests", 0L)});
      if (requestSamples.size() > RATE_SAMPLES + 1) {
        requestSamples.removeFirst();
      }
      long[] oldest = requestSamples.getFirst();
      if (oldest[0] != now) {
        reqPerSec = (answer.getLong("requests", 0L) - oldest[1]) * 1e9 / (now - oldest[0]);
      }
    }
  }

  /** A child's exit, or a replacement by the supervisor, as {@code show} reports it. */
  record Event(long at, String child, String reason) {
    JsonObject toJson() {
      return new JsonObject().put("at", at).put("child", child).put("reason", reason);
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
  /** The last exit of any of its children: code, signal, when. */
  JsonObject lastExit;
  /** Why its children were restarted or replaced, newest last, at most {@link #KEPT_REPLACEMENTS}. */
  private final Deque<Event> replacements = new ArrayDeque<>();

  /** @param generation the generation of the last child a slot of this id had (names are never reused) */
  Slot(int id, int generation) {
    this.id = id;
    this.generation = generation;
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

  /**
   * Whether this slot is the one an operator means by {@code idOrName}: its id ({@code 1}), its own
   * name ({@code app-1}, whichever child runs in it), or its child's name ({@code app-1.2}) or node name.
   */
  boolean isCalled(String idOrName) {
    if (idOrName.equals(Integer.toString(id)) || idOrName.equals("app-" + id)) {
      return true;
    }
    return current != null && (idOrName.equals(current.process.name()) || idOrName.equals(current.node));
  }

  /** Records why a child of this slot was restarted or replaced. */
  void replaced(String child, String why) {
    if (replacements.size() == KEPT_REPLACEMENTS) {
      replacements.removeFirst();
    }
    replacements.addLast(new Event(System.currentTimeMillis(), child, why));
  }

  /** Records a child's exit; a code above 128 is the JVM's way of saying a signal ended it. */
  void exited(Child child, int code) {
    lastExit = new JsonObject().put("child", child.process.name()).put("code", code)
        .put("at", System.currentTimeMillis());
    if (code > 128) {
      lastExit.put("signal", signalName(code - 128));
    }
  }

  /** The slot as {@code list} reports it; measured now if no heartbeat has measured it yet. */
  JsonObject describe() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("state", state.label())
        .put("restarts", restarts);
    if (current != null) {
      if (current.lastCpu == null && current.process.alive()) {
        current.measure();
      }
      json.put("name", current.process.name())
          .put("node", current.node)
          .put("pid", current.process.pid())
          .put("startedAt", current.process.startedAt())
          .put("uptimeMs", current.isReady() ? System.currentTimeMillis() - current.readyAt : 0)
          .put("cpuPercent", Math.round(current.cpuPercent * 10) / 10.0)
          .put("rssBytes", current.rssBytes)
          .put("requests", current.stats.getLong("requests", 0L))
          .put("reqPerSec", Math.round(current.reqPerSec * 10) / 10.0)
          .put("jobsInFlight", current.stats.getInteger("jobsInFlight", 0))
          .put("heapUsedBytes", current.stats.getLong("heapUsedBytes", 0L))
          .put("missedHeartbeats", current.missedHeartbeats);
    }
    if (current != null && current.managementPort > 0) {
      json.put("managementPort", current.managementPort);
    }
    if (current != null && current.stats.containsKey("loopDelayMs")) {
      json.put("loopDelayMs", current.stats.getDouble("loopDelayMs"));
    }
    if (current != null && current.stats.containsKey("workers")) {
      int workers = current.stats.getInteger("workers");
      int busy = current.stats.getInteger("workersBusy", 0);
      json.put("workers", workers).put("workersBusy", busy).put("workerUse", busy + "/" + workers);
    }
    // Only with the child's metrics on: the latency histogram and the event bus's pending counts.
    for (String key : new String[] {"p99Ms", "jobsQueued"}) {
      if (current != null && current.stats.containsKey(key)) {
        json.put(key, current.stats.getValue(key));
      }
    }
    if (incoming != null) {
      json.put("replacement", incoming.process.name());
    }
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }

  /** The slot as {@code show} reports it: what {@code list} says, the command line and the history. */
  JsonObject details() {
    JsonObject json = describe();
    if (current != null) {
      json.put("command", new JsonArray(current.command));
    }
    if (lastExit != null) {
      json.put("lastExit", lastExit.copy());
    }
    JsonArray history = new JsonArray();
    replacements.forEach(event -> history.add(event.toJson()));
    return json.put("replacements", history);
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 6 -> "SIGABRT";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 15 -> "SIGTERM";
      default -> "signal " + signal;
    };
  }
}
