package com.example.template.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;

/**
 * How the jobs a node's callers sent ended, as its callers saw them:
 * {@code app_jobs_total{address="work.busy", outcome="ok"}}. The outcome is {@code ok}, a job
 * failure code ({@code 400}, {@code 499}, {@code 502}, {@code 503}, {@code 504}, {@code 500}; see
 * {@code JobApi}), {@code timeout} when no answer came in time, or {@code no_handlers} when no
 * node runs the job. Counted where the answer arrives, so a job lost with its node or refused
 * before it was sent counts too, which a count on the workers' side would miss.
 */
public final class JobOutcomes {

  /** The counter's name; Prometheus shows it as {@code app_jobs_total}. */
  public static final String METER = "app.jobs";

  private static final JobOutcomes NONE = new JobOutcomes(null);

  private final MeterRegistry registry;

  private JobOutcomes(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The outcomes of this Vert.x's jobs; they count nothing when it was built without metrics. */
  public static JobOutcomes of(Vertx vertx) {
    Meters meters = Meters.of(vertx);
    return meters == null ? NONE : new JobOutcomes(meters.registry());
  }

  /** Counts how one job sent to {@code address} ended. */
  public void record(String address, AsyncResult<?> result) {
    if (registry != null) {
      count(address, result.succeeded() ? "ok" : outcome(result.cause()));
    }
  }

  /** Counts a job refused before it was sent, because the node had too many in flight. */
  public void refused(String address) {
    if (registry != null) {
      count(address, "503");
    }
  }

  private void count(String address, String outcome) {
    Counter.builder(METER)
        .description("Jobs sent by this node's callers, by job address and outcome")
        .tag("address", address)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  static String outcome(Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return "500";
    }
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> Integer.toString(reply.failureCode());
      case TIMEOUT -> "timeout";
      case NO_HANDLERS -> "no_handlers";
      default -> "500";
    };
  }
}
