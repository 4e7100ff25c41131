package com.example.template.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The two figures of a node that {@code monit} shows and only its meters know, read once per
 * heartbeat: the HTTP latency p99 over the requests since the last reading, and the jobs waiting
 * for one of its workers.
 *
 * <p>The p99 comes from the latency histogram's buckets ({@link Meters#LATENCY_BUCKETS}): it is the
 * upper bound of the bucket the 99th percentile falls in (e.g. {@code 0.25} for "at most 0.25 ms"),
 * the resolution a Prometheus {@code histogram_quantile} would have too, over the requests since
 * the previous heartbeat rather than since the start.
 */
public final class LiveFigures {

  static final String EVENT_BUS_PENDING = "vertx.eventbus.pending";

  private final MeterRegistry registry;
  private final Set<String> jobAddresses = new HashSet<>();
  private Map<Meter.Id, Reading> previous = new HashMap<>();

  /**
   * @param registry the node's meters
   * @param jobAddresses the public job addresses; their per-node forms ({@code address@*}, as
   *     {@link Meters} folds them) count too
   */
  public LiveFigures(MeterRegistry registry, Collection<String> jobAddresses) {
    this.registry = registry;
    for (String address : jobAddresses) {
      this.jobAddresses.add(address);
      this.jobAddresses.add(address + "@*");
    }
  }

  /** The p99 in milliseconds of the HTTP requests answered since the last call; empty when there were none. */
  public synchronized OptionalDouble httpP99Ms() {
    Map<Meter.Id, Reading> now = new HashMap<>();
    double[] bounds = null;
    long[] counts = null;
    long total = 0;
    for (Timer timer : registry.find(Meters.HTTP_RESPONSE_TIME).timers()) {
      Reading reading = Reading.of(timer.takeSnapshot());
      now.put(timer.getId(), reading);
      if (bounds == null) {
        bounds = reading.bounds();
        counts = new long[bounds.length];
      }
      Reading before = previous.getOrDefault(timer.getId(), Reading.NONE);
      if (reading.cumulative().length != bounds.length
          || before != Reading.NONE && before.cumulative().length != bounds.length) {
        continue; // not a timer with the buckets Meters gives the HTTP latency
      }
      for (int i = 0; i < bounds.length; i++) {
        counts[i] += reading.cumulative()[i] - (before == Reading.NONE ? 0 : before.cumulative()[i]);
      }
      total += reading.count() - before.count();
    }
    previous = now;
    if (bounds == null || total <= 0) {
      return OptionalDouble.empty();
    }
    double wanted = Math.ceil(total * 0.99);
    for (int i = 0; i < bounds.length; i++) {
      if (counts[i] >= wanted) {
        return OptionalDouble.of(bounds[i] / 1_000_000.0);
      }
    }
    // Beyond the last bucket (30 s): that bound is all a histogram can say.
    return OptionalDouble.of(bounds[bounds.length - 1] / 1_000_000.0);
  }

  /** One timer's cumulative bucket counts (bounds in nanoseconds) and its count, at one reading. */
  private record Reading(double[] bounds, long[] cumulative, long count) {
    static final Reading NONE = new Reading(new double[0], new long[0], 0);

    static Reading of(HistogramSnapshot snapshot) {
      CountAtBucket[] buckets = snapshot.histogramCounts();
      double[] bounds = new double[buckets.length];
      long[] cumulative = new long[buckets.length];
      for (int i = 0; i < buckets.length; i++) {
        bounds[i] = buckets[i].bucket();
        cumulative[i] = (long) buckets[i].count();
      }
      return new Reading(bounds, cumulative, snapshot.count());
    }
  }

  /** Jobs delivered to this node's job consumers that no worker has started yet; empty before any job. */
  public OptionalLong jobsQueued() {
    long queued = 0;
    boolean any = false;
    for (Gauge gauge : registry.find(EVENT_BUS_PENDING).gauges()) {
      if (jobAddresses.contains(gauge.getId().getTag("address"))) {
        queued += (long) gauge.value();
        any = true;
      }
    }
    return any ? OptionalLong.of(queued) : OptionalLong.empty();
  }
}
