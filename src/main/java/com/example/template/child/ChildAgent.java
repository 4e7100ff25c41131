package com.example.template.child;

import com.example.template.control.ControlAddresses;
import com.example.template.lifecycle.Phase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child's side of supervision, in a child JVM that a launcher forked: it reports ready over
 * the event bus, answers heartbeats (only once every HTTP event loop has answered, so a blocked
 * loop shows as a missed heartbeat), obeys drain orders, and drains when its launcher dies.
 */
public final class ChildAgent {

  private static final Logger LOG = LoggerFactory.getLogger(ChildAgent.class);
  private static final long READY_RETRY_MS = 50;

  private final Vertx vertx;
  private final String name;
  private final String launcherId;
  // Set once the node is ready; orders that come before are refused (the launcher falls back to
  // SIGTERM, which the JVM then answers by exiting).
  private volatile SupervisedNode node;
  private volatile Runnable drain;

  /**
   * @param name this child's name in its launcher's tables ({@code app-1.1}); its node's name adds
   *     the launcher id, to tell deployments apart
   * @param launcherId the id the launcher passed with {@code --supervisor}
   */
  public ChildAgent(Vertx vertx, String name, String launcherId) {
    this.vertx = vertx;
    this.name = name;
    this.launcherId = launcherId;
  }

  /**
   * Watches the launcher and listens for its orders; completes once registered cluster-wide. It
   * greets the launcher meanwhile, while the node deploys.
   */
  public Future<Void> listen() {
    watchLauncher();
    greetLauncher();
    return vertx.eventBus()
        .<JsonObject>consumer(ControlAddresses.child(launcherId, name), this::order)
        .completion();
  }

  /**
   * Reports the node ready to the launcher.
   *
   * @param drain drains this node and exits the process with 0
   */
  public void ready(SupervisedNode node, Runnable drain) {
    this.node = node;
    this.drain = drain;
    reportReady();
  }

  private void order(Message<JsonObject> message) {
    String op = message.body() == null ? null : message.body().getString("op");
    if (node == null) {
      message.fail(503, "not ready yet");
    } else if ("ping".equals(op)) {
      // The slowest event loop's wait for the probe is the event-loop delay that monit shows.
      long asked = System.nanoTime();
      allEventLoopsAnswer().onSuccess(v -> message.reply(stats()
          .put("loopDelayMs", Math.round((System.nanoTime() - asked) / 100_000.0) / 10.0)));
    } else if ("drain".equals(op)) {
      message.reply(new JsonObject().put("draining", true));
      drain.run();
    } else {
      message.fail(400, "unknown op: " + op);
    }
  }

  private Future<Void> allEventLoopsAnswer() {
    return Future.all(node.eventLoops().stream().map(ChildAgent::probe).toList()).mapEmpty();
  }

  private static Future<Void> probe(Context eventLoop) {
    Promise<Void> answered = Promise.promise();
    eventLoop.runOnContext(v -> answered.complete());
    return answered.future();
  }

  private JsonObject stats() {
    Runtime runtime = Runtime.getRuntime();
    JsonObject stats = new JsonObject()
        .put("phase", node.phase().name())
        .put("requests", node.requests())
        .put("jobsInFlight", node.jobsInFlight())
        .put("workers", node.workers())
        .put("workersBusy", node.workersBusy())
        .put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
    node.httpP99Ms().ifPresent(p99 -> stats.put("p99Ms", p99));
    node.jobsQueued().ifPresent(queued -> stats.put("jobsQueued", queued));
    return stats;
  }

  // One round trip with the launcher while the node deploys: it opens the event-bus connection
  // each way (the reply comes back on the launcher's own connection to this child), and with it
  // the TLS handshake each way, which a cold JVM makes slowly (the first round trip took 4 to 10 s
  // here on 2 cores under load, against 1.6 to 4.8 s without TLS). The ready report and the first
  // heartbeat then find both open. The launcher may not listen yet: try again.
  private void greetLauncher() {
    JsonObject hello = new JsonObject().put("name", name).put("starting", true);
    vertx.eventBus().request(ControlAddresses.ready(launcherId), hello, new DeliveryOptions().setSendTimeout(10_000))
        .onFailure(e -> {
          if (node == null && e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
            vertx.setTimer(READY_RETRY_MS, t -> greetLauncher());
          }
        });
  }

  // The launcher may still be joining the cluster when this child is ready: keep telling it
  // until it acknowledges.
  private void reportReady() {
    JsonObject ready = new JsonObject()
        .put("name", name)
        .put("node", node.name())
        .put("pid", ProcessHandle.current().pid())
        .put("httpPort", node.httpPort())
        .put("managementPort", node.managementPort());
    vertx.eventBus().request(ControlAddresses.ready(launcherId), ready, new DeliveryOptions().setSendTimeout(2_000))
        .onFailure(e -> {
          if (node.phase() != Phase.DRAINING) {
            vertx.setTimer(READY_RETRY_MS, t -> reportReady());
          }
        });
  }

  // The launcher holds our stdin open and, after the hand-off line (already read), writes
  // nothing more: end-of-file means it is gone.
  private void watchLauncher() {
    Thread watcher = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() != -1) {
          // nothing more is sent; keep reading until the pipe closes
        }
      } catch (IOException e) {
        // a broken pipe means the same: the launcher is gone
      }
      Runnable drainNow = drain;
      if (drainNow == null) {
        LOG.warn("launcher is gone before this node was ready: exiting");
        System.exit(1);
      }
      LOG.warn("launcher is gone: draining");
      drainNow.run();
    }, "launcher-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
