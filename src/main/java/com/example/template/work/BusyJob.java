package com.example.template.work;

import com.example.template.api.Job;
import com.example.template.api.JobApi;
import com.example.template.api.JobException;
import com.example.template.api.JobRoute;
import com.example.template.config.AppConfig;
import com.google.auto.service.AutoService;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@value #ADDRESS}: the seed's busy loop, run on a worker; it stops when its caller has gone. A
 * stand-in for any CPU-bound job. Safe to repeat. {@code GET /work/busy?ms=N}.
 */
@AutoService(Job.class)
public final class BusyJob implements Job {

  /** {@code {"ms": int}} → {@code {"ms", "elapsedMs", "node", "thread"}}. */
  public static final String ADDRESS = "work.busy";

  private final long maxMs;

  /** As the registry finds it, before {@link #configured}: it takes only {@code ms: 0}. */
  public BusyJob() {
    this(0);
  }

  /** @param maxMs the largest duration a caller may ask for ({@code jobs.maxBusyMs}) */
  public BusyJob(long maxMs) {
    this.maxMs = maxMs;
  }

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Optional<JobRoute> route() {
    return Optional.of(JobRoute.query("/work/busy", "ms"));
  }

  @Override
  public Job configured(AppConfig.Jobs settings) {
    return new BusyJob(settings.maxBusyMs());
  }

  @Override
  public JsonObject run(JsonObject request, BooleanSupplier cancelled) throws JobException {
    long ms = requestedMs(request, maxMs);
    long started = System.nanoTime();
    boolean finished = BusyLoop.spin(ms, cancelled);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000L;
    if (!finished) {
      throw new JobException(JobApi.CANCELLED, "cancelled by its caller after " + elapsedMs + " ms");
    }
    return new JsonObject()
        .put("ms", ms)
        .put("elapsedMs", elapsedMs);
  }

  /** The checked {@code ms} of a busy request, for anything else that runs the busy loop too. */
  public static long requestedMs(JsonObject request, long maxMs) throws JobException {
    return JobRequests.requiredLong(request, "ms", 0, maxMs);
  }
}
