package com.example.template.node;

import com.example.template.api.ClusterNodes;
import com.example.template.api.Job;
import com.example.template.api.JobClient;
import com.example.template.api.Jobs;
import com.example.template.bridge.BridgeVerticle;
import com.example.template.child.SupervisedNode;
import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.http.HttpVerticle;
import com.example.template.lifecycle.Phase;
import com.example.template.runtime.VertxFactory;
import com.example.template.metrics.EventLoopProbe;
import com.example.template.metrics.LiveFigures;
import com.example.template.metrics.ManagementVerticle;
import com.example.template.metrics.Meters;
import com.example.template.work.InFlightLimit;
import com.example.template.work.JobCancellations;
import com.example.template.work.JobWorkerVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the application: the worker verticles that run jobs and the HTTP verticles, one
 * per event loop, in front of them. It is ready only once both are up, and it drains in the
 * reverse order. A launcher's child reports on it through {@link SupervisedNode}.
 */
public final class Node implements SupervisedNode {

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
  private int workers;
  private JobCancellations cancellations;
  private String workerDeployment;
  private String httpDeployment;
  private final List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();
  private BridgeVerticle bridge;
  private String bridgeDeployment;
  private ManagementVerticle management;
  private LiveFigures liveFigures;
  private String managementDeployment;
  private String probeDeployment;
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
    this.workers = workers;
    this.cancellations = cancellations;
    // All at once: startup takes the longest of them, not their sum. The node is ready only when
    // all are up; a job request that comes in between is refused with a 503, like any other
    // request to a node that is not ready.
    Future<String> cancelsUp = vertx.deployVerticle(cancellations);
    Future<String> workersUp = vertx.deployVerticle(
        () -> new JobWorkerVerticle(jobs, name, nodeId, cancellations), workerOptions);
    Future<String> httpUp = vertx.deployVerticle(() -> {
          HttpVerticle http = new HttpVerticle(config, jobClient, inFlight, state);
          httpVerticles.add(http);
          return http;
        },
        new DeploymentOptions().setInstances(httpInstances));
    return Future.all(cancelsUp, workersUp, httpUp)
        .compose(deployed -> {
          cancellationsDeployment = deployed.resultAt(0);
          workerDeployment = deployed.resultAt(1);
          httpDeployment = deployed.resultAt(2);
          return deployBridge();
        })
        .compose(v -> deployMetrics())
        .map(v -> {
          state.markReady();
          LOG.info("node {} ready: http {}:{}, {} HTTP instance(s){}, {} worker(s), transport {}",
              name, config.http().host(), state.httpPort(), httpInstances,
              config.http().instances() == 0 ? " (one per core)" : "", workers, VertxFactory.transport(vertx));
          return null;
        });
  }

  /**
   * Drains the node: no longer ready; the HTTP listener closes (new connections go to the other
   * children sharing the port, or are refused) while the connections already accepted are served,
   * from then on every response saying {@code Connection: close} so keep-alive clients leave after
   * their answer; the TCP bridge (when on) takes no new connections and closes each open one once
   * its jobs answered; once the HTTP clients have left (or the close window passed) the HTTP
   * servers close what is left and finish in-flight requests within the grace period; then the
   * workers stop after their current job. Calling it again returns the same future.
   */
  public synchronized Future<Void> drain() {
    if (drained == null) {
      state.markDraining();
      LOG.info("node {} draining: {} connection(s) open", name, state.openConnections());
      // The chain starts on a future bound to no context: Vert.x's own undeploy future is bound
      // to an event loop, and a caller that closes Vert.x after the drain would then wait for a
      // completion sent to an event loop that is gone.
      drained = Future.<Void>succeededFuture()
          .compose(v -> Future.all(httpVerticles.stream().map(HttpVerticle::stopAccepting).toList()))
          // Only now do answers say Connection: close. A client told so while the listener was
          // still open reconnected at once, and could land in that listener's accept queue just
          // as it closed: Linux resets such a connection (unless tcp_migrate_req is 1). Measured:
          // 18 failed requests in 15 reloads under wrk before, none after (docs/BENCHMARKS.md).
          .onSuccess(v -> state.markListenerClosed())
          .compose(v -> undeploy(bridgeDeployment))
          .compose(v -> connectionsClosed(config.drain().closeWindowMs()))
          .compose(v -> undeploy(httpDeployment))
          .compose(v -> undeploy(workerDeployment))
          .compose(v -> undeploy(cancellationsDeployment))
          .compose(v -> undeploy(probeDeployment))
          .compose(v -> undeploy(managementDeployment))
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

  /**
   * The management listener and the event-loop probe, when this Vert.x has metrics
   * ({@code management.enabled}, and built by {@link VertxFactory}).
   */
  private Future<Void> deployMetrics() {
    Meters meters = Meters.of(vertx);
    if (meters == null) {
      return Future.succeededFuture();
    }
    AppConfig.Management settings = config.management();
    management = ManagementVerticle.forNode(settings.host(), settings.port(), settings.requirePort(), meters);
    liveFigures = new LiveFigures(meters.registry(), JobApi.PUBLIC_ADDRESSES);
    Future<String> probeUp = vertx.deployVerticle(new EventLoopProbe(state::eventLoops, meters.registry()));
    Future<String> managementUp = vertx.deployVerticle(management);
    return Future.all(probeUp, managementUp).map(deployed -> {
      probeDeployment = deployed.resultAt(0);
      managementDeployment = deployed.resultAt(1);
      LOG.info("node {} metrics: http://{}:{}{}", name, settings.host(), management.port(), ManagementVerticle.PATH);
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

  @Override
  public String name() {
    return name;
  }

  public NodeState state() {
    return state;
  }

  public InFlightLimit inFlight() {
    return inFlight;
  }

  @Override
  public int httpPort() {
    return state.httpPort();
  }

  @Override
  public Phase phase() {
    return state.phase();
  }

  @Override
  public List<Context> eventLoops() {
    return state.eventLoops();
  }

  @Override
  public long requests() {
    return state.requests();
  }

  @Override
  public int jobsInFlight() {
    return inFlight.inFlight();
  }

  @Override
  public int workers() {
    return workers;
  }

  @Override
  public int workersBusy() {
    return cancellations == null ? 0 : cancellations.running();
  }

  @Override
  public OptionalDouble httpP99Ms() {
    return liveFigures == null ? OptionalDouble.empty() : liveFigures.httpP99Ms();
  }

  @Override
  public OptionalLong jobsQueued() {
    return liveFigures == null ? OptionalLong.empty() : liveFigures.jobsQueued();
  }

  /** The port the management listener ({@code /metrics}) listens on, or -1 when there is none. */
  @Override
  public int managementPort() {
    return managementDeployment == null ? -1 : management.port();
  }

  /** The port the TCP bridge listens on, or -1 when it is off. */
  public int bridgePort() {
    return bridge == null ? -1 : bridge.port();
  }
}
