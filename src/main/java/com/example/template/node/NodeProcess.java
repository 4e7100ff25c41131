package com.example.template.node;

import static com.example.template.node.Blocking.await;

import com.example.template.cluster.ChildAgent;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs one node as the whole process: builds Vert.x, deploys the node, and on SIGTERM or SIGINT
 * drains it and exits 0. A startup failure is one line on stderr and a non-zero exit
 * ({@link ExitCodes}).
 */
public final class NodeProcess {

  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);

  private final AppConfig config;
  private final String name;
  private final Path clusterFile;
  private final String launcherId;

  /**
   * @param clusterFile the Hazelcast XML to join with, or null for a standalone node
   * @param launcherId the id of the launcher that forked this node, or null when run by hand
   */
  public NodeProcess(AppConfig config, String name, Path clusterFile, String launcherId) {
    this.config = config;
    this.name = name;
    this.clusterFile = clusterFile;
    this.launcherId = launcherId;
  }

  /** Runs until drained; returns the process exit code. */
  public int run() {
    VertxFactory.Clustered started;
    try {
      started = await(clusterFile == null
          ? Future.succeededFuture(new VertxFactory.Clustered(VertxFactory.standalone(), null))
          : VertxFactory.join(config.cluster(), clusterFile));
    } catch (RuntimeException e) {
      return startupFailed(e);
    }
    Vertx vertx = started.vertx();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    try {
      // A supervised node takes its launcher's orders while it deploys, so it can report ready
      // the moment it is.
      ChildAgent agent = launcherId == null ? null : new ChildAgent(vertx, name, launcherId);
      Future<Void> listening = agent == null ? Future.succeededFuture() : agent.listen();
      Future<Node> deployed = Node.deploy(vertx, config, name, started.nodes());
      Node node = await(Future.all(deployed, listening).map(all -> deployed.result()));
      Runnable drain = () -> node.drain()
          .eventually(vertx::close)
          .onComplete(ar -> stopped.complete(null));
      // sun.misc.Signal, not a shutdown hook: a hook cannot choose the exit code (SIGTERM would
      // end with 143) and runs alongside other hooks that tear down what the drain still needs.
      Signal.handle(new Signal("TERM"), sig -> drain.run());
      Signal.handle(new Signal("INT"), sig -> drain.run());
      TestHooks.installIfAsked(node);
      if (agent != null) {
        agent.ready(node, drain);
      }
    } catch (RuntimeException e) {
      vertx.close();
      return startupFailed(e);
    }
    stopped.join();
    return 0;
  }

  private int startupFailed(Throwable e) {
    String reason = e instanceof ConfigException ? e.getMessage() : describe(e);
    LOG.debug("startup failed", e);
    System.err.println("error: " + reason);
    return e instanceof ConfigException ? ExitCodes.USAGE : ExitCodes.FAILED;
  }

  private String describe(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Address already in use")) {
      return "cannot listen on " + config.http().host() + ":" + config.http().port() + ": address already in use";
    }
    return "node " + name + " failed to start: " + message;
  }
}
