package com.example.template.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Measures how late each event loop runs what it is given: every {@link #INTERVAL_MS} it hands
 * each loop a task and records, in {@code app_event_loop_delay_seconds{loop="N"}}, how long the
 * task waited. A loop busy with a burst, or blocked by code that should not run there, shows as a
 * delay long before it shows as latency.
 *
 * <p>The ticks come from a thread of its own, not from a Vert.x timer: a timer runs on an event
 * loop, and a blocked loop would delay the very probe meant to see it. A loop whose previous task
 * has not run yet is given no second one; the one waiting records the whole delay when it runs.
 */
public final class EventLoopProbe extends VerticleBase {

  /** The timer's name; Prometheus shows it as {@code app_event_loop_delay_seconds}. */
  public static final String METER = "app.event.loop.delay";

  static final long INTERVAL_MS = 100;

  private final Supplier<List<Context>> eventLoops;
  private final MeterRegistry registry;
  private final List<Loop> loops = new ArrayList<>();
  private ScheduledExecutorService ticker;

  /**
   * @param eventLoops the loops to watch (the HTTP verticles'), read at every tick
   */
  public EventLoopProbe(Supplier<List<Context>> eventLoops, MeterRegistry registry) {
    this.eventLoops = eventLoops;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "event-loop-probe");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::tick, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    ticker.shutdownNow();
    return Future.succeededFuture();
  }

  // On the ticker thread only.
  private void tick() {
    List<Context> current = eventLoops.get();
    for (int i = loops.size(); i < current.size(); i++) {
      loops.add(new Loop(current.get(i), Timer.builder(METER)
          .description("How long a task handed to an event loop waited before it ran")
          .tag("loop", Integer.toString(i))
          .register(registry)));
    }
    loops.forEach(Loop::probe);
  }

  private static final class Loop {
    final Context context;
    final Timer delay;
    final AtomicBoolean waiting = new AtomicBoolean();

    Loop(Context context, Timer delay) {
      this.context = context;
      this.delay = delay;
    }

    void probe() {
      if (!waiting.compareAndSet(false, true)) {
        return;
      }
      long sent = System.nanoTime();
      context.runOnContext(v -> {
        delay.record(System.nanoTime() - sent, TimeUnit.NANOSECONDS);
        waiting.set(false);
      });
    }
  }
}
