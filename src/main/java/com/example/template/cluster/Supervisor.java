package com.example.template.cluster;

import com.example.template.config.AppConfig;
import com.example.template.metrics.MergedMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager's brain, running in the launcher: it forks the children, restarts those
 * that die (with backoff and a crash-loop limit), replaces those that stop answering heartbeats
 * or grow past the memory limit, reloads them one at a time without downtime, and stops them.
 * All of its state lives on its own event loop, so none of it needs a lock.
 */
final class Supervisor extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  private final String launcherId;
  private final AppConfig.Supervisor settings;
  private final RestartPolicy policy;
  private final long drainTimeoutMs;
  private final Function<String, List<String>> childArgs;
  private final PrintStream out;
  private final List<Slot> slots = new ArrayList<>();
  private LauncherHandoff handoff;
  private boolean stopping;
  private Future<Void> reloading = Future.succeededFuture();

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
      slots.add(new Slot(id));
    }
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(ControlAddresses.ready(launcherId), this::childReady)
        .completion()
        .onSuccess(v -> {
          for (Slot slot : slots) {
            if (slot.current != null) {
              watch(slot, slot.current);
            }
          }
          vertx.setPeriodic(settings.heartbeatIntervalMs(), timer -> heartbeat());
        });
  }

  // ---- starting and restarting ----

  /**
   * Forks the first child of every slot. The launcher calls it as soon as it is a cluster member,
   * before its Vert.x is ready: the children's JVMs boot meanwhile and join a cluster that already
   * has a master (members that all start at once spend seconds electing one). They keep reporting
   * ready until the launcher listens.
   *
   * @param handoff what every child, now and later, reads on its stdin before it joins
   */
  void forkAll(LauncherHandoff handoff) {
    this.handoff = handoff;
    slots.forEach(slot -> slot.current = fork(slot));
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
      ChildProcess process = ChildProcess.start(name, childArgs.apply(name), handoff, out);
      LOG.info("{} started, pid {}", name, process.pid());
      return new Slot.Child(process);
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
        // Online once the launcher reaches the child as well: heartbeats count misses from then
        // on, and the launcher's first TLS handshake with a cold child took seconds under load
        // here, long enough for five missed heartbeats and a kill.
        ping(child, settings.readyTimeoutMs()).onSuccess(stats -> online(slot, child));
      }
    }
  }

  private void online(Slot slot, Slot.Child child) {
    if (child.isReady() || !child.process.alive()) {
      return;
    }
    child.readyAt = System.currentTimeMillis();
    LOG.info("{} online (pid {}, {} ms after start)", child.process.name(), child.process.pid(),
        child.readyAt - child.process.startedAt());
    if (child == slot.current && !stopping) {
      slot.state = Slot.State.ONLINE;
    }
    // Last: a reload waiting on this promise goes on to drain the old child at once.
    child.ready.tryComplete();
  }

  /** Asks a child for its stats; only an answer that came back in time counts. */
  private Future<JsonObject> ping(Slot.Child child, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(ControlAddresses.child(launcherId, child.process.name()),
            new JsonObject().put("op", "ping"), new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(reply -> {
          child.stats = reply.body();
          return reply.body();
        });
  }

  private void exited(Slot slot, Slot.Child child, int code) {
    child.ready.tryFail(child.process.name() + " " + child.process.reason(code));
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

  // ---- heartbeats, stats and the memory limit ----

  private void heartbeat() {
    for (Slot slot : slots) {
      Slot.Child child = slot.current;
      if (child == null || !child.isReady() || child.retiring) {
        continue;
      }
      measure(child);
      ping(child, settings.heartbeatIntervalMs())
          .onSuccess(stats -> child.missedHeartbeats = 0)
          .onFailure(e -> missedHeartbeat(slot, child));
      long limit = settings.maxMemoryMb() * 1024 * 1024;
      if (limit > 0 && child.rssBytes > limit && !slot.replacing && !stopping) {
        LOG.warn("{} uses {} MB, over the {} MB limit: replacing it", child.process.name(),
            child.rssBytes / (1024 * 1024), settings.maxMemoryMb());
        replace(slot).onFailure(e -> LOG.warn("slot {}: replacing the child over its memory limit failed: {}", slot.id, e.getMessage()));
      }
    }
  }

  private static void measure(Slot.Child child) {
    long pid = child.process.pid();
    ProcStats.rssBytes(pid).ifPresent(rss -> child.rssBytes = rss);
    ProcStats.cpuTime(pid).ifPresent(cpu -> {
      long now = System.nanoTime();
      if (child.lastCpu != null) {
        long wallNanos = Math.max(1, now - child.lastCpuAtNanos);
        child.cpuPercent = 100.0 * cpu.minus(child.lastCpu).toNanos() / wallNanos;
      }
      child.lastCpu = cpu;
      child.lastCpuAtNanos = now;
    });
  }

  private void missedHeartbeat(Slot slot, Slot.Child child) {
    if (child != slot.current || child.retiring || stopping) {
      return;
    }
    child.missedHeartbeats++;
    if (child.missedHeartbeats == settings.heartbeatMisses()) {
      // Its event loop is blocked or the JVM is wedged: it cannot drain, so it is killed and the
      // exit handler restarts it like any crash.
      LOG.warn("{} missed {} heartbeats in a row (event loop blocked?): killing and replacing it",
          child.process.name(), child.missedHeartbeats);
      child.process.kill();
    }
  }

  // ---- reload: one child at a time, the replacement ready before the old one drains ----

  /** Replaces every child, one at a time; fails (and stops) at the first replacement that fails. */
  Future<JsonArray> reload() {
    JsonArray replaced = new JsonArray();
    Future<Void> chain = reloading.recover(e -> Future.succeededFuture());
    for (Slot slot : slots) {
      chain = chain.compose(v -> replace(slot).onSuccess(name -> replaced.add(name)).mapEmpty());
    }
    reloading = chain;
    return chain.map(replaced);
  }

  private Future<String> replace(Slot slot) {
    if (stopping) {
      return Future.failedFuture("the launcher is stopping");
    }
    slot.replacing = true;
    Slot.Child old = slot.current;
    Slot.Child fresh = spawn(slot);
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
          return old == null || old == fresh ? Future.<Void>succeededFuture() : retire(old);
        })
        .map(v -> fresh.process.name())
        .eventually(() -> {
          slot.replacing = false;
          return Future.succeededFuture();
        });
  }

  /** Orders a child to drain over the event bus (SIGTERM if that fails) and waits for its exit. */
  private Future<Void> retire(Slot.Child child) {
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

  // ---- stop, and what list/show read ----

  /** Drains every child at once and completes when all have exited. */
  Future<Void> stopAll() {
    stopping = true;
    List<Future<Void>> exits = new ArrayList<>();
    for (Slot slot : slots) {
      slot.state = Slot.State.STOPPING;
      for (Slot.Child child : new Slot.Child[] {slot.current, slot.incoming}) {
        if (child != null) {
          exits.add(retire(child));
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

  /** Every slot as {@code list} shows it. */
  JsonArray describe() {
    JsonArray all = new JsonArray();
    slots.forEach(slot -> all.add(slot.describe()));
    return all;
  }
}
