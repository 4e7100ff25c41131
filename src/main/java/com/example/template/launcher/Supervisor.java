package com.example.template.launcher;

import com.example.template.config.AppConfig;
import com.example.template.control.ControlAddresses;
import com.example.template.control.LauncherHandoff;
import com.example.template.metrics.MergedMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager's brain, running in the launcher: it keeps one child running in each slot.
 * It forks the children, marks them online, restarts those that die (as {@link RestartPolicy}
 * says: backoff, crash-loop limit) and stops them; {@link Health} watches them at every
 * heartbeat, and {@link Rollout} replaces them without downtime. All of their state lives on
 * this verticle's event loop, so none of it needs a lock.
 */
final class Supervisor extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /** How many children {@code scale} may run per core: past a few per core they only take turns on it. */
  private static final int MAX_PER_CORE = 4;

  private final String launcherId;
  private final AppConfig.Supervisor settings;
  private final RestartPolicy policy;
  private final long drainTimeoutMs;
  private final Function<String, List<String>> childArgs;
  private final PrintStream out;
  private final List<Slot> slots = new ArrayList<>();
  private final long startedAt = System.currentTimeMillis();
  private final int maxProcesses;
  private volatile LauncherHandoff handoff; // set once, by the launcher's cluster callback
  private boolean stopping;
  private ChildOrders orders;
  private Rollout rollout;

  /**
   * @param processes how many children to run
   * @param childArgs the command line that starts a child of the given name ({@link JvmCommand})
   * @param out where children's output goes
   */
  Supervisor(String launcherId, AppConfig config, int processes, Function<String, List<String>> childArgs,
      PrintStream out) {
    this.launcherId = launcherId;
    this.settings = config.supervisor();
    this.policy = new RestartPolicy(settings.restartBackoffMs(), settings.maxBackoffMs(), settings.crashLoopLimit());
    // A drained child exits within its close window plus its grace; past that (and a margin for
    // leaving the cluster) it is killed.
    this.drainTimeoutMs = config.drain().closeWindowMs() + config.drain().graceMs() + 5_000;
    this.childArgs = childArgs;
    this.out = out;
    for (int id = 1; id <= processes; id++) {
      slots.add(new Slot(id, 0));
    }
    this.maxProcesses = Math.max(processes, MAX_PER_CORE * Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> start() {
    orders = new ChildOrders(vertx, launcherId, drainTimeoutMs);
    rollout = new Rollout(slots, this::spawn, orders, () -> stopping, maxProcesses);
    String overTheLimit = "over the memory limit (" + settings.maxMemoryMb() + " MB)";
    Health health = new Health(settings, orders, slot -> rollout.replace(slot, overTheLimit), () -> stopping);
    return vertx.eventBus().<JsonObject>consumer(ControlAddresses.ready(launcherId), this::childReady)
        .completion()
        .onSuccess(v -> {
          for (Slot slot : slots) {
            if (slot.current != null) {
              watch(slot, slot.current);
            }
          }
          vertx.setPeriodic(settings.heartbeatIntervalMs(), timer -> health.heartbeat(slots));
        });
  }

  // ---- starting and restarting ----

  /**
   * Forks the first child of every slot. The launcher calls it before it joins the cluster: the
   * children's JVMs boot meanwhile, and each waits on its stdin for {@link #handOver}.
   */
  void forkAll() {
    slots.forEach(slot -> slot.current = fork(slot));
  }

  /**
   * Gives the children forked so far, and every child forked later, what they need to join: the
   * launcher calls it the moment it is a cluster member, before its Vert.x is ready. They join a
   * cluster that already has a master (members that all start at once spend seconds electing one)
   * and keep reporting ready until the launcher listens.
   */
  void handOver(LauncherHandoff handoff) {
    this.handoff = handoff;
    slots.forEach(slot -> {
      if (slot.current != null) {
        slot.current.process.handOver(handoff);
      }
    });
  }

  /** The launcher could not join: the children it forked never got a hand-off, and have nothing to drain. */
  void killAll() {
    slots.forEach(slot -> {
      if (slot.current != null) {
        slot.current.process.kill();
      }
    });
  }

  private Slot.Child spawn(Slot slot) {
    Slot.Child child = fork(slot);
    if (child != null) {
      watch(slot, child);
    }
    return child;
  }

  private Slot.Child fork(Slot slot) {
    String name = slot.nextName();
    slot.state = Slot.State.STARTING;
    try {
      List<String> command = childArgs.apply(name);
      ChildProcess process = ChildProcess.start(name, command, out);
      if (handoff != null) {
        process.handOver(handoff);
      }
      LOG.info("{} started, pid {}", name, process.pid());
      return new Slot.Child(process, command);
    } catch (IOException e) {
      // Cannot fork at all (no java binary?): no restart will fix that.
      slot.state = Slot.State.ERRORED;
      slot.lastError = "cannot start a JVM: " + e.getMessage();
      LOG.error("{}: {}", name, slot.lastError);
      return null;
    }
  }

  // On the supervisor's event loop: restart the child when it dies, kill it if it is never ready.
  private void watch(Slot slot, Slot.Child child) {
    ChildProcess process = child.process;
    process.onExit().thenAccept(code -> context.runOnContext(v -> exited(slot, child, code)));
    vertx.setTimer(settings.readyTimeoutMs(), t -> {
      if (!child.isReady() && process.alive()) {
        LOG.warn("{} not ready after {} ms: killing it", process.name(), settings.readyTimeoutMs());
        process.kill();
      }
    });
  }

  private void childReady(Message<JsonObject> message) {
    String name = message.body().getString("name");
    message.reply(new JsonObject().put("ok", true));
    if (message.body().getBoolean("starting", false)) {
      return; // a greeting: the round trip has opened the connections both ways, nothing more
    }
    for (Slot slot : slots) {
      Slot.Child child = slot.find(name);
      if (child != null && child.node == null) {
        child.node = message.body().getString("node");
        child.managementPort = message.body().getInteger("managementPort", -1);
        // Online at once: the child serves HTTP from now on, and a reload drains the old child as
        // soon as this promise completes. The launcher's own connection to the child may still be
        // opening (its first TLS handshake with a cold child took seconds under load here), so the
        // first ping waits for it and heartbeats count no miss before the child has answered once
        // (Health). Waiting for that ping before calling the child online cost 1 to 2 s a child.
        online(slot, child);
        orders.ping(child, settings.readyTimeoutMs()).onSuccess(stats -> child.answered = true);
      }
    }
  }

  private void online(Slot slot, Slot.Child child) {
    if (child.isReady() || !child.process.alive()) {
      return;
    }
    child.readyAt = System.currentTimeMillis();
    child.measure(); // list shows its memory and CPU from now on, not after the first heartbeat
    LOG.info("{} online (pid {}, {} ms after start)", child.process.name(), child.process.pid(),
        child.readyAt - child.process.startedAt());
    if (child == slot.current && !stopping) {
      slot.state = Slot.State.ONLINE;
    }
    // Last: a reload waiting on this promise goes on to drain the old child at once.
    child.ready.tryComplete();
  }

  private void exited(Slot slot, Slot.Child child, int code) {
    child.ready.tryFail(child.process.name() + " " + child.process.reason(code));
    slot.exited(child, code);
    if (child == slot.incoming) {
      slot.incoming = null;
      return; // the reload that started it reports the failure
    }
    if (child != slot.current || child.retiring || stopping) {
      return;
    }
    boolean ranWell = child.isReady()
        && System.currentTimeMillis() - child.process.startedAt() >= settings.minUptimeMs();
    slot.failedStarts = ranWell ? 0 : slot.failedStarts + 1;
    slot.lastError = (child.isReady() ? "crashed: " : "failed to start: ") + child.process.reason(code);
    LOG.warn("{} {}", child.process.name(), slot.lastError);
    slot.replaced(child.process.name(), child.killedBecause != null ? child.killedBecause : slot.lastError);
    if (policy.givesUp(slot.failedStarts)) {
      slot.state = Slot.State.ERRORED;
      slot.current = null;
      LOG.error("slot {} errored after {} failed starts in a row; the other children keep serving. Last: {}",
          slot.id, slot.failedStarts, slot.lastError);
      return;
    }
    long delay = policy.delayMs(slot.failedStarts);
    slot.state = Slot.State.RESTARTING;
    slot.restarts++;
    LOG.info("restarting slot {} in {} ms", slot.id, delay);
    vertx.setTimer(Math.max(1, delay), t -> {
      if (!stopping && slot.state == Slot.State.RESTARTING) {
        slot.current = spawn(slot);
      }
    });
  }

  // ---- what the operator changes: reload, restart, scale ----

  /**
   * Replaces one child, or every child one at a time, each replacement ready before the old one
   * drains; fails (and stops) at the first replacement that fails. Runs after the changes asked
   * for before it.
   *
   * @param idOrName a slot id or a child's name; null for every child
   * @param why what the slot's history says: {@code reload}, {@code restart}
   * @throws OperatorMistake when no child is called so
   */
  Future<JsonArray> replace(String idOrName, String why) {
    return rollout.replaceEach(idOrName == null ? null : List.of(slot(idOrName)), why);
  }

  /**
   * Runs {@code target(current count)} children: new ones each ready before they count, or the
   * newest drained and removed; the others are not touched. Runs after the changes asked for
   * before it, and computes the target then.
   */
  Future<JsonObject> scale(IntUnaryOperator target) {
    return rollout.scale(target);
  }

  // ---- stop, and what list/show read ----

  /** Drains every child at once and completes when all have exited. */
  Future<Void> stopAll() {
    stopping = true;
    List<Future<Void>> exits = new ArrayList<>();
    for (Slot slot : slots) {
      slot.state = Slot.State.STOPPING;
      for (Slot.Child child : new Slot.Child[] {slot.current, slot.incoming}) {
        if (child != null) {
          exits.add(orders.retire(child));
        }
      }
    }
    return Future.join(exits).onComplete(ar -> slots.forEach(slot -> slot.state = Slot.State.STOPPED)).mapEmpty();
  }

  /** The event loop all supervisor state lives on; callers from other threads go through it. */
  Context eventLoop() {
    return context;
  }

  /**
   * The management listeners of the children online now, one per slot at most: a child starting,
   * restarting, draining or replaced has none here, so the merged {@code /metrics} leaves it out.
   */
  List<MergedMetrics.Target> metricsTargets(String host) {
    List<MergedMetrics.Target> targets = new ArrayList<>();
    for (Slot slot : slots) {
      Slot.Child child = slot.current;
      if (slot.state == Slot.State.ONLINE && child != null && child.isReady() && !child.retiring
          && child.process.alive() && child.managementPort > 0) {
        targets.add(new MergedMetrics.Target(child.process.name(), host, child.managementPort));
      }
    }
    return targets;
  }

  /** The launcher and every slot, as {@code list} shows them. */
  JsonObject describe() {
    JsonArray children = new JsonArray();
    slots.forEach(slot -> children.add(slot.describe()));
    JsonObject launcher = new JsonObject()
        .put("pid", ProcessHandle.current().pid())
        .put("id", launcherId)
        .put("startedAt", startedAt)
        .put("processes", slots.size());
    return new JsonObject().put("launcher", launcher).put("children", children);
  }

  /**
   * One slot in detail, as {@code show} shows it.
   *
   * @throws OperatorMistake when no child is called so
   */
  JsonObject details(String idOrName) {
    return slot(idOrName).details();
  }

  private Slot slot(String idOrName) {
    for (Slot slot : slots) {
      if (slot.isCalled(idOrName)) {
        return slot;
      }
    }
    throw new OperatorMistake("no child " + idOrName + "; there are " + String.join(", ", slots.stream()
        .map(slot -> slot.current == null ? Integer.toString(slot.id) : slot.id + " (" + slot.current.process.name() + ")")
        .toList()));
  }
}
