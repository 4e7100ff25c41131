package com.example.template.node;

import static com.example.template.runtime.Blocking.await;

import com.example.template.child.ChildAgent;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.runtime.ExitCodes;
import com.example.template.runtime.PortCheck;
import com.example.template.runtime.VertxFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
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
  private final Supplier<Future<VertxFactory.Clustered>> start;
  private final Function<Vertx, ChildAgent> agentFactory;

  /**
   * @param start builds this node's Vert.x (standalone, clustered by hand, or as a launcher's
   *     child); it may throw a {@link ConfigException}, which becomes the startup error line
   * @param agentFactory the launcher's agent in a child, built on that Vert.x; null when run by hand
   */
  public NodeProcess(AppConfig config, String name, Supplier<Future<VertxFactory.Clustered>> start,
      Function<Vertx, ChildAgent> agentFactory) {
    this.config = config;
    this.name = name;
    this.start = start;
    this.agentFactory = agentFactory;
  }

  /** Runs until drained; returns the process exit code. */
  public int run() {
    VertxFactory.Clustered started;
    try {
      started = await(start.get());
    } catch (RuntimeException e) {
      return startupFailed(e);
    }
    Vertx vertx = started.vertx();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    try {
      // A supervised node takes its launcher's orders while it deploys, so it can report ready
      // the moment it is.
      ChildAgent agent = agentFactory == null ? null : agentFactory.apply(vertx);
      Future<Void> listening = agent == null ? Future.succeededFuture() : agent.listen();
      Future<Node> deployed = TestHooks.startAsAsked().compose(v -> Node.deploy(vertx, config, name, started.nodes()));
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
    if (e instanceof PortCheck.PortTaken) {
      return e.getMessage(); // names its listener already
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("Address already in use")) {
      // The bind error does not say which listener failed.
      String http = config.http().host() + ":" + config.http().port();
      String where = config.bridge().enabled()
          ? http + " (HTTP) or " + config.bridge().host() + ":" + config.bridge().port() + " (bridge)"
          : http;
      return "cannot listen on " + where + ": address already in use";
    }
    return "node " + name + " failed to start: " + message;
  }
}
