package com.example.template.api;

/**
 * The event-bus job API: the public job addresses (from the {@link Jobs} registry; each job class
 * holds its own address constant), the headers a caller may set, and the failure codes a caller
 * can receive.
 *
 * <p>Other services code against this contract, whether they join the Hazelcast cluster (JVM
 * services) or come through the TCP bridge (everything else). {@code docs/EVENTBUS.md} writes it
 * out for them, and a test fails when the two disagree.
 *
 * <p>Bodies are JSON objects only: the clustered event bus refuses Java-serialized bodies, and
 * JSON is what the bridge speaks anyway.
 */
public final class JobApi {

  /**
   * Every public job address, in address order: the jobs {@link Jobs} finds. The bridge lets frames
   * reach these and no other address.
   */
  public static final java.util.List<String> PUBLIC_ADDRESSES = Jobs.addresses();

  /**
   * The jobs that are safe to run twice ({@link Job#repeatable()}). When the node running one of
   * them is lost, a {@link JobClient} runs it again on another node; any other job fails with
   * {@link #OUTCOME_UNKNOWN} instead.
   */
  public static final java.util.Set<String> REPEATABLE = Jobs.repeatable();

  /**
   * Optional header: the caller's request id. It is logged by the node that runs the job
   * (as {@code rid=...}) and echoed in the reply headers. HTTP takes it from {@code X-Request-Id}.
   */
  public static final String HEADER_REQUEST_ID = "x-request-id";

  /**
   * Optional header: the epoch millisecond after which the caller no longer wants the answer.
   * A worker that picks up a job past its deadline fails it with {@link #DEADLINE_EXCEEDED}
   * instead of running it, so a backlog never burns CPU on answers nobody waits for.
   */
  public static final String HEADER_DEADLINE = "x-deadline";

  /**
   * Set by a {@link JobClient} whose caller may go away (an HTTP request): a random id under which
   * the client can cancel the job on the node that holds it ({@link #cancelAddress}).
   */
  public static final String HEADER_JOB_ID = "x-job-id";

  /** Failure code: the request body is missing a field, has the wrong type or is out of range. */
  public static final int INVALID_REQUEST = 400;

  /** Failure code: the node has more jobs in flight than its configured bound; retry later. */
  public static final int OVERLOADED = 503;

  /** Failure code: the job's deadline passed before it could run. */
  public static final int DEADLINE_EXCEEDED = 504;

  /**
   * Failure code: the node running a job that is not safe to repeat was lost (it died or left
   * the cluster) before it answered; the job may or may not have run.
   */
  public static final int OUTCOME_UNKNOWN = 502;

  /**
   * Failure code: the caller cancelled the job (an HTTP client closed its connection before the
   * answer). It never started, or it stopped early. Only the canceller gets it, and it has left.
   */
  public static final int CANCELLED = 499;

  /** Failure code: a bug on our side. The message never carries internals. */
  public static final int INTERNAL_ERROR = 500;

  private JobApi() {
  }

  /**
   * The address under which one node's workers take a job, beside the public address: a
   * {@link JobClient} sends there, so it knows which node holds each job in flight. Private to
   * the cluster: the bridge does not let frames reach it.
   */
  public static String nodeAddress(String address, String nodeId) {
    return address + "@" + nodeId;
  }

  /**
   * The address where one node takes cancellations of the jobs it holds: {@code {"jobId": ...,
   * "deadline": epoch ms}}, sent without expecting a reply. A job with that {@link #HEADER_JOB_ID}
   * that has not started never runs ({@link #CANCELLED}); one that runs is asked to stop. Private
   * to the cluster, like {@link #nodeAddress}: the bridge does not let frames reach it. A request
   * {@code {"probe": true}} is answered at once with {@code {}}: the node is there.
   *
   * @param nodeId the node's cluster id, or null for a Vert.x that is not clustered
   */
  public static String cancelAddress(String nodeId) {
    return nodeId == null ? "work.cancel" : "work.cancel@" + nodeId;
  }
}
