package com.example.template.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What monit's p99 and queued columns show: read from a node's own meters, since the last reading. */
class LiveFiguresTest {

  private final Meters meters = new Meters(List.of("work.busy"));
  private final MeterRegistry registry = meters.registry();
  private final LiveFigures figures = new LiveFigures(registry, List.of("work.busy"));

  @Test
  void theP99IsTheBucketBoundOfTheRequestsSinceTheLastReading() {
    Timer hello = timer("/hello");
    Timer job = timer("/jobs/busy");
    record(hello, 99, Duration.ofMillis(0).plusNanos(200_000)); // 0.2 ms
    record(job, 1, Duration.ofMillis(80));

    assertThat(figures.httpP99Ms()).hasValue(0.25); // 99 of 100 within 0.25 ms

    assertThat(figures.httpP99Ms()).as("no request since").isEmpty();

    record(job, 10, Duration.ofMillis(3));
    assertThat(figures.httpP99Ms()).as("only the new ones count").hasValue(5.0);

    record(hello, 1, Duration.ofSeconds(60));
    assertThat(figures.httpP99Ms()).as("beyond the last bucket: its bound").hasValue(30_000.0);
  }

  @Test
  void jobsQueuedSumsThePendingMessagesOfTheJobAddressesOnly() {
    assertThat(figures.jobsQueued()).as("no job consumer yet").isEmpty();
    AtomicLong busy = new AtomicLong(3);
    AtomicLong busyHere = new AtomicLong(2);
    AtomicLong control = new AtomicLong(7);
    pending("work.busy", busy);
    pending("work.busy@*", busyHere);
    pending("supervisor.*", control);

    assertThat(figures.jobsQueued()).hasValue(5);
    busy.set(0);
    assertThat(figures.jobsQueued()).hasValue(2);
  }

  private Timer timer(String route) {
    return Timer.builder(Meters.HTTP_RESPONSE_TIME).tags("route", route, "code", "200", "method", "GET")
        .register(registry);
  }

  private static void record(Timer timer, int times, Duration each) {
    for (int i = 0; i < times; i++) {
      timer.record(each);
    }
  }

  private void pending(String address, AtomicLong value) {
    Gauge.builder(LiveFigures.EVENT_BUS_PENDING, value, AtomicLong::get).tags("address", address, "side", "local")
        .register(registry);
  }
}
