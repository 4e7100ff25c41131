package com.example.template.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends jobs over the event bus (request/reply) so that losing a node does not lose a job.
 *
 * <p>A plain {@code request()} to a node that dies is silently lost until its timeout fires: here
 * Hazelcast noticed a {@code kill -9}ed member within 0.35 to 0.7 s, but the caller waited the
 * whole timeout. So this client picks the node itself (round robin over the members, through
 * {@link JobApi#nodeAddress}), remembers which node holds each job in flight, and when a node
 * leaves, fails those jobs at once: a job in {@link JobApi#REPEATABLE} is sent to another node
 * (up to {@code maxAttempts} in all, within the original deadline), any other job fails with
 * {@link JobApi#OUTCOME_UNKNOWN}. A node cut off by the network is dropped only once the
 * failure detector gives up on it (seconds): so while a node holds a repeatable job unanswered,
 * the client asks it every {@code attemptTimeoutMs} whether it is still there, and when it does
 * not answer that within {@code attemptTimeoutMs} either, the job goes to another node as well;
 * the first answer wins. A node that answers is slow, not gone, and keeps the job alone; one that
 * stalls entirely (its event loops blocked) may run the job twice, which repeatable allows.
 * Nodes without workers (the launcher, a draining node) answer {@code NO_HANDLERS} and are
 * skipped, and tried last for a while; a job sent again goes first to nodes that have answered.
 *
 * <p>Knowing which node holds a job also lets a caller that goes away cancel it there, instead of
 * leaving it to fill a worker's queue for nobody.
 *
 * <p>Without a cluster, it is a plain {@code request()} to the public address.
 */
public final class JobClient {

  private static final Logger LOG = LoggerFactory.getLogger(JobClient.class);

  private final Vertx vertx;
  private final ClusterNodes nodes;
  private final long timeoutMs;
  private final int maxAttempts;
  private final long attemptTimeoutMs;
  private final AtomicInteger next = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder retries = new java.util.concurrent.atomic.LongAdder();
  private final Map<String, Set<Promise<?>>> inFlight = new ConcurrentHashMap<>();
  // Nodes that left: a job routed to one just before it left is failed at once. Bounded, since
  // every restart of a child brings a new node id.
  private final Set<String> departed = java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1_000;
        }
      }));

  // Nodes that answered NO_HANDLERS (a launcher, a draining node, one still starting), tried
  // last. Vert.x caches the registrations of an address only while it has some, so each send to
  // one of these asks Hazelcast again, and while a host is cut off, that question hung until the
  // cluster dropped the host (seconds) whenever the host owned the address's partition. A node
  // is tried last for 5 s after it refused; one that has refused for 15 s without running a job
  // (a launcher) for 60 s, so it costs a look-up a minute. Not longer: a node that merges back
  // after a split, or starts slowly, refuses until its workers' registrations are there (with
  // 30 s for every node, jobs reached a merged host 30 s late).
  private static final long REFUSED_RECENTLY_MS = 5_000;
  private static final long REFUSING_FOR_MS = 15_000;
  private static final long REFUSING_NODE_LAST_MS = 60_000;
  private static final long FORGET_REFUSALS_MS = 600_000; // of nodes nobody asked for that long
  // node id -> {first, last} refusal since it last ran a job
  private final Map<String, long[]> withoutWorkers = new ConcurrentHashMap<>();
  // Nodes that have answered a job (run it, or refused its input): where a job sent again goes first.
  private final Map<String, Boolean> ranJobs = new ConcurrentHashMap<>();
  // Nodes that held a job without answering, nor a probe, and when: every job tries them last
  // for a few seconds, until they answer one or leave.
  private final Map<String, Long> silent = new ConcurrentHashMap<>();

  /**
   * @param nodes the cluster's members, or null for a Vert.x that is not clustered
   * @param timeoutMs how long a job may take, retries included
   * @param maxAttempts how many nodes a repeatable job may be tried on
   */
  public JobClient(Vertx vertx, ClusterNodes nodes, long timeoutMs, int maxAttempts) {
    this(vertx, nodes, timeoutMs, maxAttempts, 0);
  }

  /**
   * @param attemptTimeoutMs how often a node that holds a repeatable job unanswered is asked
   *     whether it is still there, and how long it has to answer before the job is sent to another
   *     node as well (the first answer wins); 0 = only when the node leaves
   */
  public JobClient(Vertx vertx, ClusterNodes nodes, long timeoutMs, int maxAttempts, long attemptTimeoutMs) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.timeoutMs = timeoutMs;
    this.maxAttempts = maxAttempts;
    this.attemptTimeoutMs = attemptTimeoutMs;
    if (nodes != null) {
      nodes.onLeft(this::nodeLeft);
      // A member cut off and dropped comes back, with the same id, when the split cluster merges.
      nodes.onJoined(nodeId -> {
        departed.remove(nodeId);
        withoutWorkers.remove(nodeId);
      });
    }
  }

  /**
   * Sends a job and completes with the reply. Failures are {@link ReplyException}s, as with a
   * plain request: a {@code RECIPIENT_FAILURE} with one of {@link JobApi}'s codes,
   * {@code TIMEOUT}, or {@code NO_HANDLERS} when no node runs this job.
   *
   * @param requestId sent as {@link JobApi#HEADER_REQUEST_ID}, or null
   */
  public Future<Message<JsonObject>> request(String address, JsonObject body, String requestId) {
    return request(new Call(address, body, requestId, null, System.currentTimeMillis() + timeoutMs));
  }

  /**
   * Like {@link #request(String, JsonObject, String)}, for a caller that may go away before the
   * answer (an HTTP client that closes its connection). When {@code abandoned} completes first,
   * the node holding the job is told to cancel it ({@link JobApi#cancelAddress}): a job still
   * queued never starts, a running job is asked to stop, and the job is never sent to another
   * node. The returned future completes when that node has let go of the job (with
   * {@link JobApi#CANCELLED}) or at the deadline, so a bound on jobs in flight that the caller
   * releases on completion counts the job for as long as a node spends on it.
   */
  public Future<Message<JsonObject>> request(String address, JsonObject body, String requestId, Future<?> abandoned) {
    String jobId = Long.toHexString(ThreadLocalRandom.current().nextLong())
        + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Call call = new Call(address, body, requestId, jobId, System.currentTimeMillis() + timeoutMs);
    abandoned.onComplete(ar -> abandon(call));
    return request(call);
  }

  private Future<Message<JsonObject>> request(Call call) {
    if (nodes == null) {
      call.cancelAddress = JobApi.cancelAddress(null);
      return send(call.address, call);
    }
    attempt(call);
    return call.result.future();
  }

  // Sends the job to the next node in turn (skipping nodes without workers). Several attempts
  // of one repeatable job may be out at once: the first answer wins.
  private void attempt(Call call) {
    int attempt;
    synchronized (call) {
      attempt = ++call.attempts;
      call.pending++;
    }
    List<String> order = rotation(call.passed);
    if (attempt > 1) {
      // A job sent again goes first to nodes that have answered jobs: the others may be
      // launchers whose refusal hangs on the very host that went silent.
      List<String> answering = order.stream()
          .filter(node -> ranJobs.containsKey(node) && !silent.containsKey(node)).toList();
      order.removeAll(answering);
      order.addAll(0, answering);
    }
    tryNodes(call, order, 0).onComplete(ar -> attemptEnded(call, ar));
  }

  private void attemptEnded(Call call, io.vertx.core.AsyncResult<Message<JsonObject>> ar) {
    if (ar.succeeded()) {
      call.result.tryComplete(ar.result());
      return;
    }
    Throwable failure = ar.cause();
    boolean repeatable = JobApi.REPEATABLE.contains(call.address);
    synchronized (call) {
      call.pending--;
      if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && (reply.failureCode() != JobApi.OVERLOADED || call.pending == 0)) {
        call.result.tryFail(failure); // a node's answer is as final as a success; a full node's is not while another may answer
        return;
      }
      if (failure instanceof NodeLost nodeLost) {
        call.passed.add(nodeLost.nodeId);
        if (call.abandoned) {
          call.result.tryFail(cancelled());
          return;
        }
        if (call.pending > 0) {
          return; // another attempt, sent when this node fell silent, is still out
        }
        if (repeatable && mayTryAgain(call)) {
          LOG.info("{} lost with node {}: trying another node (attempt {} of {})",
              call.address, nodeLost.nodeId, call.attempts + 1, maxAttempts);
          retries.increment();
          attempt(call);
          return;
        }
        failure = repeatable
            ? new ReplyException(ReplyFailure.TIMEOUT, "no node finished the job in time")
            : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, JobApi.OUTCOME_UNKNOWN,
                "the node running the job was lost; it may or may not have run");
      }
      if (call.pending == 0) {
        call.result.tryFail(failure);
      }
    }
  }

  // Every attemptTimeoutMs while the node holds the job unanswered, asks it whether it is still
  // there (its cancel address answers on an event loop, whatever its workers do). A node that is
  // slow keeps the job; one that does not answer within attemptTimeoutMs more may be cut off, which
  // the cluster notices only seconds later: another node gets the job as well.
  private void watch(Call call, String node, Future<?> attempt, long[] timer) {
    timer[0] = vertx.setTimer(attemptTimeoutMs, t -> vertx.eventBus()
        .request(JobApi.cancelAddress(node), new JsonObject().put("probe", true),
            new DeliveryOptions().setSendTimeout(attemptTimeoutMs))
        .onComplete(alive -> {
          if (attempt.isComplete()) {
            return;
          }
          if (alive.succeeded()) {
            watch(call, node, attempt, timer);
          } else {
            unanswered(call, node);
          }
        }));
  }

  private void unanswered(Call call, String node) {
    synchronized (call) {
      if (call.result.future().isComplete() || call.abandoned || !mayTryAgain(call)) {
        return;
      }
      call.passed.add(node);
      silent.put(node, System.currentTimeMillis());
      LOG.info("{}: node {} holds it and does not answer: sending it to another node as well (attempt {} of {})",
          call.address, node, call.attempts + 1, maxAttempts);
      retries.increment();
      attempt(call);
    }
  }

  private boolean mayTryAgain(Call call) {
    return call.attempts < maxAttempts && System.currentTimeMillis() < call.deadline;
  }

  private Future<Message<JsonObject>> tryNodes(Call call, List<String> order, int index) {
    if (index == order.size()) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no node runs " + call.address));
    }
    String node = order.get(index);
    return onNode(node, call).recover(failure -> {
      if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        long now = System.currentTimeMillis();
        withoutWorkers.compute(node, (n, refused) -> new long[] {refused == null ? now : refused[0], now});
        return tryNodes(call, order, index + 1);
      }
      return Future.failedFuture(failure);
    });
  }

  // Sends to one node's own address and fails with NodeLost if that node leaves first.
  private Future<Message<JsonObject>> onNode(String node, Call call) {
    Promise<Message<JsonObject>> result = Promise.promise();
    Set<Promise<?>> held = inFlight.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
    held.add(result);
    if (departed.contains(node)) {
      inFlight.remove(node);
      result.tryFail(new NodeLost(node));
      return result.future();
    }
    if (attemptTimeoutMs > 0 && JobApi.REPEATABLE.contains(call.address)) {
      long[] timer = {-1};
      result.future().onComplete(ar -> vertx.cancelTimer(timer[0]));
      watch(call, node, result.future(), timer);
    }
    call.cancelAddress = JobApi.cancelAddress(node);
    send(JobApi.nodeAddress(call.address, node), call).onComplete(ar -> {
      held.remove(result);
      if (ar.succeeded() || ar.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        withoutWorkers.remove(node); // it runs jobs
        ranJobs.put(node, Boolean.TRUE);
        silent.remove(node);
      }
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(ar.cause());
      }
    });
    return result.future();
  }

  private Future<Message<JsonObject>> send(String address, Call call) {
    // cancelAddress is set before this check and read by abandon() after it sets the flag: one
    // of the two sees the other, so a job is either never sent or its node hears of the cancellation.
    if (call.abandoned) {
      return Future.failedFuture(cancelled());
    }
    long remaining = Math.max(1, call.deadline - System.currentTimeMillis());
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(remaining)
        .addHeader(JobApi.HEADER_DEADLINE, Deadline.at(call.deadline));
    if (call.requestId != null) {
      options.addHeader(JobApi.HEADER_REQUEST_ID, call.requestId);
    }
    if (call.jobId != null) {
      options.addHeader(JobApi.HEADER_JOB_ID, call.jobId);
    }
    return vertx.eventBus().request(address, call.body, options);
  }

  private void abandon(Call call) {
    call.abandoned = true;
    String target = call.cancelAddress;
    if (target != null) {
      vertx.eventBus().send(target, new JsonObject().put("jobId", call.jobId).put("deadline", call.deadline));
    }
  }

  private static ReplyException cancelled() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, JobApi.CANCELLED, "cancelled by its caller before it was sent");
  }

  /** Jobs sent again because the node holding them was lost, since this client was made. */
  public long retries() {
    return retries.sum();
  }

  private List<String> rotation(Set<String> lost) {
    List<String> members = new ArrayList<>(nodes.all());
    members.removeAll(lost);
    members.removeAll(departed);
    if (members.isEmpty()) {
      return members;
    }
    int start = Math.floorMod(next.getAndIncrement(), members.size());
    List<String> order = new ArrayList<>(members.subList(start, members.size()));
    order.addAll(members.subList(0, start));
    long now = System.currentTimeMillis();
    withoutWorkers.values().removeIf(refused -> now - refused[1] > FORGET_REFUSALS_MS);
    silent.values().removeIf(since -> now - since > REFUSED_RECENTLY_MS);
    List<String> last = order.stream().filter(node -> {
      long[] refused = withoutWorkers.get(node);
      return refused != null && (now - refused[1] <= REFUSED_RECENTLY_MS
          || refused[1] - refused[0] >= REFUSING_FOR_MS && now - refused[1] <= REFUSING_NODE_LAST_MS);
    }).toList();
    order.removeAll(last);
    order.addAll(last);
    List<String> quiet = order.stream().filter(silent::containsKey).toList();
    order.removeAll(quiet);
    order.addAll(quiet);
    return order;
  }

  private void nodeLeft(String nodeId) {
    departed.add(nodeId);
    withoutWorkers.remove(nodeId);
    ranJobs.remove(nodeId);
    silent.remove(nodeId);
    Set<Promise<?>> held = inFlight.remove(nodeId);
    if (held != null && !held.isEmpty()) {
      LOG.warn("node {} left with {} job(s) in flight", nodeId, held.size());
      held.forEach(promise -> promise.tryFail(new NodeLost(nodeId)));
    }
  }

  /** One job on its way: what to send, and where it is now for a cancellation to follow it. */
  private static final class Call {
    final String address;
    final JsonObject body;
    final String requestId;
    final String jobId;
    final long deadline;
    volatile String cancelAddress; // of the node it was last sent to
    volatile boolean abandoned;
    final Promise<Message<JsonObject>> result = Promise.promise();
    // Nodes this job left: lost, or silent past the attempt deadline. The rest under the Call's lock.
    final Set<String> passed = ConcurrentHashMap.newKeySet();
    int attempts;
    int pending;

    Call(String address, JsonObject body, String requestId, String jobId, long deadline) {
      this.address = address;
      this.body = body;
      this.requestId = requestId;
      this.jobId = jobId;
      this.deadline = deadline;
    }
  }

  /** The node holding a job left the cluster before answering. */
  private static final class NodeLost extends RuntimeException {
    final String nodeId;

    NodeLost(String nodeId) {
      super("node " + nodeId + " left", null, false, false);
      this.nodeId = nodeId;
    }
  }
}
