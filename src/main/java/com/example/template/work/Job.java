package com.example.template.work;

import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * One kind of blocking job: the address it answers on and the work itself. Implementations
 * validate their own input, so a job is checked the same way whichever way it arrives (HTTP,
 * a cluster member, the TCP bridge).
 */
public interface Job {

  /** The event-bus address, one of {@link com.example.template.api.JobApi}'s constants. */
  String address();

  /**
   * Runs the job on the calling worker thread. It may block: it never runs on an event loop.
   *
   * @param cancelled true once the caller has gone away (an HTTP client that closed its
   *     connection): a long job checks it where it can and stops by throwing a
   *     {@link JobException} with {@link com.example.template.api.JobApi#CANCELLED}. A job that
   *     cannot stop halfway may ignore it: a job cancelled before it started never runs.
   * @throws JobException for a request the job refuses, with its failure code
   */
  JsonObject run(JsonObject request, BooleanSupplier cancelled) throws JobException;
}
