package com.example.template.work;

import com.example.template.api.JobApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's cancelled jobs: it takes cancellations on the node's {@link JobApi#cancelAddress}, and
 * the workers ask it, before each job and while it runs, whether its caller still wants it. The
 * same address answers a {@code {"probe": true}} request at once: a caller whose job this node
 * holds unanswered learns that the node is there, slow rather than cut off.
 *
 * <p>Without it an abandoned request kept its job: 300 requests closed after 0.5 s filled the
 * workers' queues, and the next real job waited 30 s for a 504. A cancellation usually arrives
 * while its job is still queued behind others, so it is remembered until the job comes up (and
 * is skipped) or until the job's deadline, after which a worker would skip it anyway.
 *
 * <p>Deployed on an event loop, not with the workers: a worker runs one job at a time, and a
 * cancellation must not queue behind the very job it cancels.
 */
public final class JobCancellations extends VerticleBase {

  /** Cancellations remembered for jobs that have not come up yet; beyond it the oldest go. */
  static final int MAX_PENDING = 10_000;

  private final String nodeId;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  // Every running job, with an id or without (the map holds only those that can be cancelled).
  private final AtomicInteger runningNow = new AtomicInteger();
  // job id -> its deadline (epoch ms), oldest first; guarded by itself
  private final LinkedHashMap<String, Long> pending = new LinkedHashMap<>();

  /** @param nodeId the node's cluster id, or null when not clustered */
  public JobCancellations(String nodeId) {
    this.nodeId = nodeId;
  }

  /** Completes once the cancel address is registered (cluster-wide when clustered). */
  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(JobApi.cancelAddress(nodeId), this::onCancel).completion();
  }

  private void onCancel(Message<JsonObject> message) {
    JsonObject body = message.body();
    if (body != null && body.containsKey("probe")) {
      message.reply(new JsonObject()); // a JobClient asks whether this node is still there
      return;
    }
    if (body != null && body.getValue("jobId") instanceof String jobId
        && body.getValue("deadline") instanceof Number deadline) {
      cancel(jobId, deadline.longValue());
    }
  }

  /** Cancels a job: stops it if it runs now, or skips it when it comes up before its deadline. */
  void cancel(String jobId, long deadlineEpochMs) {
    Running job = running.get(jobId);
    if (job != null) {
      job.cancelled = true;
      return;
    }
    long now = System.currentTimeMillis();
    synchronized (pending) {
      // Expired entries leave first: their jobs, if they come up at all, are past their deadline.
      Iterator<Long> deadlines = pending.values().iterator();
      while (deadlines.hasNext()) {
        long deadline = deadlines.next();
        if (deadline >= now && pending.size() < MAX_PENDING) {
          break;
        }
        deadlines.remove();
      }
      pending.put(jobId, deadlineEpochMs);
    }
    // The job may have started between the look-up above and now: tell it too.
    Running started = running.get(jobId);
    if (started != null) {
      started.cancelled = true;
    }
  }

  /**
   * Marks a job as running (a job without an id can never be cancelled). Every call is paired with
   * {@link #finished}; the job asks {@link Running#cancelled()} whether to go on.
   */
  Running started(String jobId) {
    Running job = new Running(jobId);
    runningNow.incrementAndGet();
    if (jobId == null) {
      return job;
    }
    running.put(jobId, job);
    synchronized (pending) {
      if (!pending.isEmpty() && pending.remove(jobId) != null) {
        job.cancelled = true;
      }
    }
    return job;
  }

  void finished(Running job) {
    runningNow.decrementAndGet();
    if (job.jobId != null) {
      running.remove(job.jobId, job);
    }
  }

  /** How many jobs this node's workers run now (each worker runs one at a time). */
  public int running() {
    return runningNow.get();
  }

  /** Whether a job with this id runs now: what a test waits for before it cancels one mid-run. */
  boolean isRunning(String jobId) {
    return running.containsKey(jobId);
  }

  /** One running job's cancellation flag, set from the event loop and read by its worker. */
  static final class Running {
    private final String jobId;
    private volatile boolean cancelled;

    private Running(String jobId) {
      this.jobId = jobId;
    }

    boolean cancelled() {
      return cancelled;
    }
  }
}
