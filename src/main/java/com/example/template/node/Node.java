package com.example.template.node;

import com.example.template.api.ClusterNodes;
import com.example.template.api.Job;
import com.example.template.api.JobClient;
import com.example.template.api.Jobs;
import com.example.template.bridge.BridgeVerticle;
import com.example.template.config.AppConfig;
import com.example.template.http.HttpVerticle;
import com.example.template.work.InFlightLimit;
import com.example.template.api.Job;
import com.example.template.work.JobCancellations;
import com.example.template.work.JobWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the application: the worker verticles that run jobs and the HTTP verticles, one
 * per event loop, in front of them. It is ready only once both are up, and it drains in the
 * reverse order.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  /** The worker pool the job verticles run on, apart from Vert.x's default pool. */
  public static final String WORKER_POOL = "jobs";

  private static final long CONNECTION_CHECK_MS = 20;

  private final Vertx vertx;
  private final AppConfig config;
  private final String name;
  private final NodeState state = new NodeState();
  private final InFlightLimit inFlight;
  private final ClusterNodes nodes;
  private final JobClient jobClient;
  private String cancellationsDeployment;
  private String workerDeployment;
  private String httpDeployment;
  private BridgeVerticle bridge;
  private String bridgeDeployment;
  private Future<Void> drained;

  private Node(Vertx vertx, AppConfig config, String name, ClusterNodes nodes) {
    this.vertx = vertx;
    this.config = config;
    this.name = name;
    this.nodes = nodes;
    this.inFlight = new InFlightLimit(config.jobs().maxInFlight());
    this.jobClient = new JobClient(vertx, nodes, config.jobs().timeoutMs(), config.jobs().maxAttempts(),
        config.jobs().attemptTimeoutMs());
  }

  /**
   * Deploys a node on the given Vert.x. The future completes when the node is ready: every job
   * consumer registered (cluster-wide when clustered) and the HTTP server listening.
   *
   * @param name this node's name in replies, logs and the supervisor's tables
   */
  public static Future<Node> deploy(Vertx vertx, AppConfig config, String name) {
    return deploy(vertx, config, name, null);
  }

  /**
   * Deploys a node that is a member of a cluster: its workers also take jobs on their node's own
   * address, and its routes send jobs through a {@link JobClient} that survives node loss.
   *
   * @param nodes the cluster's members, or null for a standalone node
   */
  public static Future<Node> deploy(Vertx vertx, AppConfig config, String name, ClusterNodes nodes) {
    Node node = new Node(vertx, config, name, nodes);
    return node.start().map(node);
  }

  private Future<Void> start() {
    int workers = AppConfig.perCore(config.jobs().workers());
    int httpInstances = AppConfig.perCore(config.http().instances());
    List<Job> jobs = Jobs.configured(config.jobs());
    DeploymentOptions workerOptions = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setInstances(workers)
        .setWorkerPoolName(WORKER_POOL)
        .setWorkerPoolSize(workers);
    String nodeId = nodes == null ? null : nodes.self();
    JobCancellations cancellations = new JobCancellations(nodeId);
    // All at once: startup takes the longest of them, not their sum. The node is ready only when
    // all are up; a job request that comes in between is refused with a 503, like any other
    // request to a node that is not ready.
    Future<String> cancelsUp = vertx.deployVerticle(cancellations);
    Future<String> workersUp = vertx.deployVerticle(
        () -> new JobWorkerVerticle(jobs, name, nodeId, cancellations), workerOptions);
    Future<String> httpUp = vertx.deployVerticle(() -> new HttpVerticle(config, jobClient, inFlight, state),
        new DeploymentOptions().setInstances(httpInstances));
    return Future.all(cancelsUp, workersUp, httpUp)
        .compose(deployed -> {
          cancellationsDeployment = deployed.resultAt(0);
          workerDeployment = deployed.resultAt(1);
          httpDeployment = deployed.resultAt(2);
          return deployBridge();
        })
        .map(v -> {
          state.markReady();
          LOG.info("node {} ready: http {}:{}, {} HTTP instance(s){}, {} worker(s), transport {}",
              name, config.http().host(), state.httpPort(), httpInstances,
              config.http().instances() == 0 ? " (one per core)" : "", workers, VertxFactory.transport(vertx));
          return null;
        });
  }

  /**
   * Drains the node: no longer ready; the TCP bridge (when on) takes no new connections and
   * closes each open one once its jobs answered; every HTTP response says {@code Connection: close} so
   * keep-alive clients leave after their answer; once they have (or the close window passed) the
   * HTTP servers stop taking connections and finish in-flight requests within the grace period;
   * then the workers stop after their current job. Calling it again returns the same future.
   */
  public synchronized Future<Void> drain() {
    if (drained == null) {
      state.markDraining();
      LOG.info("node {} draining: {} connection(s) open", name, state.openConnections());
      // The chain starts on a future bound to no context: Vert.x's own undeploy future is bound
      // to an event loop, and a caller that closes Vert.x after the drain would then wait for a
      // completion sent to an event loop that is gone.
      drained = Future.<Void>succeededFuture()
          .compose(v -> undeploy(bridgeDeployment))
          .compose(v -> connectionsClosed(config.drain().closeWindowMs()))
          .compose(v -> undeploy(httpDeployment))
          .compose(v -> undeploy(workerDeployment))
          .compose(v -> undeploy(cancellationsDeployment))
          .onComplete(ar -> LOG.info("node {} drained", name));
    }
    return drained;
  }

  /** The TCP bridge for non-JVM callers, when the config turns it on; it logs its own address. */
  private Future<Void> deployBridge() {
    if (!config.bridge().enabled()) {
      return Future.succeededFuture();
    }
    bridge = new BridgeVerticle(config, inFlight);
    return vertx.deployVerticle(bridge).map(id -> {
      bridgeDeployment = id;
      return null;
    });
  }

  // Polled rather than signalled: connections close on every event loop, and the window is short.
  private Future<Void> connectionsClosed(long windowMs) {
    if (state.openConnections() == 0 || windowMs == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + windowMs;
    // Set from a Vert.x thread: the drain may start on the SIGTERM handler's own thread, and a
    // periodic timer set from outside Vert.x can tick before Vert.x has recorded it.
    vertx.runOnContext(v -> vertx.setPeriodic(CONNECTION_CHECK_MS, timer -> {
      if (state.openConnections() == 0 || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(timer);
        promise.complete();
      }
    }));
    return promise.future();
  }

  private Future<Void> undeploy(String deploymentId) {
    return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
  }

  public String name() {
    return name;
  }

  public NodeState state() {
    return state;
  }

  public InFlightLimit inFlight() {
    return inFlight;
  }

  /** The port the HTTP server listens on. */
  public int httpPort() {
    return state.httpPort();
  }

  /** The port the TCP bridge listens on, or -1 when it is off. */
  public int bridgePort() {
    return bridge == null ? -1 : bridge.port();
  }
}
