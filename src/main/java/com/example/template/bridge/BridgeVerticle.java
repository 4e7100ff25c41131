package com.example.template.bridge;

import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge: how a service that is not on the JVM calls the jobs. It speaks the
 * protocol of Vert.x's TCP event-bus bridge (a 4-byte big-endian length, then a JSON frame), so
 * the upstream clients of other languages work unchanged, lets frames reach the public job
 * addresses of {@link JobApi} and nothing else (never the cluster's {@code supervisor.*} control
 * addresses, nor a node's own), and lets no client listen to any address.
 *
 * <p>Each connection is a {@link BridgeConnection}; at most {@code bridge.maxConnections} are open
 * at once. One instance, so every connection lives on this verticle's event loop.
 * {@code docs/EVENTBUS.md} is the protocol as clients see it.
 */
public final class BridgeVerticle extends VerticleBase {

  /** The largest frame a client may send, in bytes after the length prefix. A job's JSON is tiny. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  /** While the bridge is full, at most one WARN a minute says so; each refusal is a DEBUG line. */
  private static final long FULL_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final AppConfig config;
  private final InFlightLimit inFlight;
  private NetServer server;
  private int open;
  private long lastFullWarning = System.nanoTime() - FULL_WARNING_INTERVAL_NANOS;

  /**
   * @param config the node's config: {@code bridge} for the listener and its limits,
   *     {@code jobs.timeoutMs} for the longest a bridge caller waits, {@code drain.graceMs} for how
   *     long a drain waits
   * @param inFlight the node's bound on jobs in flight, shared with the HTTP front
   */
  public BridgeVerticle(AppConfig config, InFlightLimit inFlight) {
    this.config = config;
    this.inFlight = inFlight;
  }

  /** Completes once the bridge listens; fails with a {@code ConfigException} off loopback without TLS. */
  @Override
  public Future<?> start() {
    // Off the event loop: telling whether the host is loopback may look a name up.
    return vertx.executeBlocking(() -> BridgeListener.options(config.bridge(), config.http().reusePort()))
        .compose(options -> {
          server = vertx.createNetServer(options).connectHandler(this::connected);
          return server.listen();
        })
        .onSuccess(listening -> LOG.info("bridge listening on {}:{}{}, permits {}", config.bridge().host(),
            server.actualPort(), config.bridge().tls() == null ? "" : " (TLS)", JobApi.PUBLIC_ADDRESSES));
  }

  /**
   * Stops taking connections; each open one finishes its jobs in flight and is closed, within the
   * drain's grace period.
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(config.drain().graceMs(), TimeUnit.MILLISECONDS);
  }

  /** The port the bridge listens on (the real one when {@code bridge.port} is 0). */
  public int port() {
    return server.actualPort();
  }

  private void connected(NetSocket socket) {
    int max = config.bridge().maxConnections();
    if (open >= max) {
      // Refused after the accept: the kernel took it, so the way to say no is to close it.
      long now = System.nanoTime();
      if (now - lastFullWarning >= FULL_WARNING_INTERVAL_NANOS) {
        lastFullWarning = now;
        LOG.warn("bridge: {} connections open, the most bridge.maxConnections allows; closing new ones", open);
      }
      LOG.debug("bridge: closing the connection from {}: {} connections open", socket.remoteAddress(), open);
      socket.close();
      return;
    }
    open++;
    new BridgeConnection(vertx, socket, config.bridge(), config.jobs().timeoutMs(), inFlight, () -> open--).start();
  }
}
