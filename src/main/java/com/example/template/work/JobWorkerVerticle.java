package com.example.template.work;

import com.example.template.api.Deadline;
import com.example.template.api.Job;
import com.example.template.api.JobApi;
import com.example.template.api.JobException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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
  private final String nodeId;
  private final JobCancellations cancellations;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  /**
   * @param jobs the jobs this worker runs
   * @param nodeName this node's name, put in every reply so callers see who did the work
   * @param nodeId this node's cluster node id, to also take jobs on the node's own address
   *     ({@link JobApi#nodeAddress}); null when not clustered
   * @param cancellations the node's cancelled jobs, asked before and during each job
   */
  public JobWorkerVerticle(List<Job> jobs, String nodeName, String nodeId, JobCancellations cancellations) {
    this.jobs = List.copyOf(jobs);
    this.nodeName = nodeName;
    this.nodeId = nodeId;
    this.cancellations = cancellations;
  }

  /** Completes once every consumer's registration has reached the whole cluster. */
  @Override
  public Future<?> start() {
    for (Job job : jobs) {
      consumers.add(vertx.eventBus().consumer(job.address(), message -> handle(job, message)));
      if (nodeId != null) {
        consumers.add(vertx.eventBus().consumer(JobApi.nodeAddress(job.address(), nodeId), message -> handle(job, message)));
      }
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /**
   * Takes no new jobs: the registrations go first, cluster-wide, so callers send elsewhere; the
   * job running now has finished, since this runs on the same worker context after it.
   */
  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void handle(Job job, Message<Object> message) {
    String requestId = message.headers().get(JobApi.HEADER_REQUEST_ID);
    MDC.put("rid", requestId == null ? "-" : requestId);
    JobCancellations.Running running = cancellations.started(message.headers().get(JobApi.HEADER_JOB_ID));
    try {
      if (running.cancelled()) {
        throw new JobException(JobApi.CANCELLED, "cancelled by its caller before it started");
      }
      Deadline.check(message.headers().get(JobApi.HEADER_DEADLINE));
      if (!(message.body() instanceof JsonObject request)) {
        throw new JobException(JobApi.INVALID_REQUEST, "the body must be a JSON object");
      }
      JsonObject reply = job.run(request, running::cancelled)
          .put("node", nodeName)
          .put("thread", Thread.currentThread().getName());
      DeliveryOptions options = new DeliveryOptions();
      if (requestId != null) {
        options.addHeader(JobApi.HEADER_REQUEST_ID, requestId);
      }
      message.reply(reply, options);
      LOG.debug("{} done", job.address());
    } catch (JobException e) {
      LOG.debug("{} failed with {}: {}", job.address(), e.code(), e.getMessage());
      message.fail(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{} failed", job.address(), e);
      message.fail(JobApi.INTERNAL_ERROR, "internal error");
    } finally {
      cancellations.finished(running);
      MDC.remove("rid");
    }
  }
}
