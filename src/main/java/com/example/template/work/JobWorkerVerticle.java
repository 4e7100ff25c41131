package com.example.template.work;

import com.example.template.api.JobApi;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Consumes the job addresses on a worker thread: the counterpart of a Node worker thread's
 * {@code onMessage}. Deployed with {@code ThreadingModel.WORKER}, so one instance runs one job
 * at a time and the number of instances is the number of jobs that run in parallel.
 */
public final class JobWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobWorkerVerticle.class);

  private final List<Job> jobs;
  private final String nodeName;

  /**
   * @param jobs the jobs this worker runs
   * @param nodeName this node's name, put in every reply so callers see who did the work
   */
  public JobWorkerVerticle(List<Job> jobs, String nodeName) {
    this.jobs = List.copyOf(jobs);
    this.nodeName = nodeName;
  }

  /** Completes once every consumer's registration has reached the whole cluster. */
  @Override
  public Future<?> start() {
    return Future.all(jobs.stream()
        .map(job -> vertx.eventBus().<Object>consumer(job.address(), message -> handle(job, message)).completion())
        .toList());
  }

  private void handle(Job job, Message<Object> message) {
    String requestId = message.headers().get(JobApi.HEADER_REQUEST_ID);
    MDC.put("rid", requestId == null ? "-" : requestId);
    try {
      checkDeadline(message);
      if (!(message.body() instanceof JsonObject request)) {
        throw new JobException(JobApi.INVALID_REQUEST, "the body must be a JSON object");
      }
      JsonObject reply = job.run(request)
          .put("node", nodeName)
          .put("thread", Thread.currentThread().getName());
      DeliveryOptions options = new DeliveryOptions();
      if (requestId != null) {
        options.addHeader(JobApi.HEADER_REQUEST_ID, requestId);
      }
      message.reply(reply, options);
      LOG.debug("{} done", job.address());
    } catch (JobException e) {
      message.fail(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{} failed", job.address(), e);
      message.fail(JobApi.INTERNAL_ERROR, "internal error");
    } finally {
      MDC.remove("rid");
    }
  }

  private static void checkDeadline(Message<?> message) throws JobException {
    String deadline = message.headers().get(JobApi.HEADER_DEADLINE);
    if (deadline == null) {
      return;
    }
    long epochMs;
    try {
      epochMs = Long.parseLong(deadline);
    } catch (NumberFormatException e) {
      throw new JobException(JobApi.INVALID_REQUEST, "the " + JobApi.HEADER_DEADLINE + " header must be epoch milliseconds");
    }
    if (System.currentTimeMillis() > epochMs) {
      throw new JobException(JobApi.DEADLINE_EXCEEDED, "the deadline passed before the job could start");
    }
  }
}
