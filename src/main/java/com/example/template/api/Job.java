package com.example.template.api;

import com.example.template.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One kind of job, whole: the address it answers on, the checks on its input and the work itself,
 * whether it is safe to run twice, and, if HTTP callers may run it, its route.
 *
 * <p>A job class annotated {@code @AutoService(Job.class)} (with a public no-argument constructor)
 * is listed in {@code META-INF/services} at compile time; {@link Jobs} finds it there, and from
 * that the node runs it on its workers, the bridge lets frames reach it, {@link JobApi} counts it
 * public (and repeatable if it says so), and the HTTP front serves its route. No list to edit.
 *
 * <p>Implementations validate their own input, so a job is checked the same way whichever way it
 * arrives (HTTP, a cluster member, the TCP bridge).
 */
public interface Job {

  /** The event-bus address: dotted lowercase, a constant on the job class ({@code BusyJob.ADDRESS}). */
  String address();

  /**
   * Whether the job is safe to run twice. When the node running a repeatable job is lost, a
   * {@link JobClient} runs it again on another node; any other job fails with
   * {@link JobApi#OUTCOME_UNKNOWN} instead.
   */
  boolean repeatable();

  /** The job's HTTP route, or empty when only event-bus and bridge callers may run it. */
  default Optional<JobRoute> route() {
    return Optional.empty();
  }

  /**
   * The job as a node runs it, with the node's job settings: a job whose limits come from the
   * config returns a new instance that holds them. Most jobs need none and return themselves.
   */
  default Job configured(AppConfig.Jobs settings) {
    return this;
  }

  /**
   * Runs the job on the calling worker thread. It may block: it never runs on an event loop.
   *
   * @param cancelled true once the caller has gone away (an HTTP client that closed its
   *     connection): a long job checks it where it can and stops by throwing a
   *     {@link JobException} with {@link JobApi#CANCELLED}. A job that cannot stop halfway may
   *     ignore it: a job cancelled before it started never runs.
   * @throws JobException for a request the job refuses, with its failure code
   */
  JsonObject run(JsonObject request, BooleanSupplier cancelled) throws JobException;
}
