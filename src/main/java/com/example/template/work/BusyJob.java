package com.example.template.work;

import com.example.template.api.JobApi;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/** {@value JobApi#BUSY}: the seed's busy loop, run on a worker; it stops when its caller has gone. */
public final class BusyJob implements Job {

  private final long maxMs;

  /** @param maxMs the largest duration a caller may ask for */
  public BusyJob(long maxMs) {
    this.maxMs = maxMs;
  }

  @Override
  public String address() {
    return JobApi.BUSY;
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

  /** The checked {@code ms} of a busy request; the demo route applies the same rule. */
  public static long requestedMs(JsonObject request, long maxMs) throws JobException {
    return JobRequests.requiredLong(request, "ms", 0, maxMs);
  }
}
