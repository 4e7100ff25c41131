package com.example.template.bridge;

import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge: how a service that is not on the JVM calls the jobs. It speaks the
 * bridge module's protocol (a 4-byte big-endian length, then a JSON frame), lets frames reach the
 * public job addresses of {@link JobApi} and nothing else (never the cluster's
 * {@code supervisor.*} control addresses), and lets no client listen to any address.
 *
 * <p>Each connection is guarded by a {@link BridgeConnection}: a malformed frame closes that
 * connection only. {@code docs/EVENTBUS.md} is the protocol as clients see it.
 */
public final class BridgeVerticle extends VerticleBase {

  /** The largest frame a client may send, in bytes after the length prefix. A job's JSON is tiny. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  /** The longest request id taken from a caller, as on the HTTP front; a longer one is replaced. */
  private static final int MAX_REQUEST_ID_LENGTH = 128;

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private final AppConfig config;
  private final InFlightLimit inFlight;
  private NetServer server;

  /**
   * @param config the node's config: {@code bridge} for the listener, {@code jobs.timeoutMs} for
   *     the longest a bridge caller waits, {@code drain.graceMs} for how long a drain waits
   * @param inFlight the node's bound on jobs in flight, shared with the HTTP front
   */
  public BridgeVerticle(AppConfig config, InFlightLimit inFlight) {
    this.config = config;
    this.inFlight = inFlight;
  }

  /** Completes once the bridge listens. */
  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions();
    JobApi.PUBLIC_ADDRESSES.forEach(address -> permitted.addInboundPermitted(new PermittedOptions().setAddress(address)));
    NetServerOptions listener = new NetServerOptions()
        .setHost(config.bridge().host())
        .setPort(config.bridge().port())
        // Cluster children share the bridge's port as they share the HTTP port.
        .setReusePort(config.http().reusePort());
    TcpEventBusBridge bridge = TcpEventBusBridge.create(capturingServer(vertx), permitted, listener, this::onEvent);
    Handler<NetSocket> moduleHandler = server.connectHandler();
    server.connectHandler(socket ->
        moduleHandler.handle(new BridgeConnection(socket, inFlight, MAX_FRAME_BYTES).moduleView()));
    return bridge.listen().onSuccess(listening -> LOG.info("bridge listening on {}:{}, permits {}",
        config.bridge().host(), server.actualPort(), JobApi.PUBLIC_ADDRESSES));
  }

  /**
   * Stops taking connections; each open one finishes its jobs in flight and is closed, within the
   * drain's grace period.
   */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drain().graceMs(), TimeUnit.MILLISECONDS);
  }

  /** The port the bridge listens on (the real one when {@code bridge.port} is 0). */
  public int port() {
    return server.actualPort();
  }

  // The module creates its server itself; this Vert.x hands it the real one and keeps hold of it,
  // so connections can be guarded and the bound port read.
  private Vertx capturingServer(Vertx real) {
    return Intercept.calls(Vertx.class, real, (method, args) -> {
      if (method.getName().equals("createNetServer") && args.length == 1) {
        server = real.createNetServer((NetServerOptions) args[0]);
        return server;
      }
      return Intercept.FORWARD;
    });
  }

  /** The module's hook, called for each frame that passed the connection's checks. */
  private void onEvent(BridgeEvent event) {
    if (event.type() == BridgeEventType.SEND) {
      stamp(event.getRawMessage());
    }
    event.complete(true);
  }

  /**
   * Gives a job from the bridge what the HTTP front gives its own: a request id (echoed in the
   * reply's headers) unless the caller sent a usable one, a deadline unless the caller set one, and a reply
   * timeout no longer than the node's. The module reads the frame after this hook, so editing it in
   * place is how the headers reach the job.
   */
  private void stamp(JsonObject frame) {
    long nodeTimeoutMs = config.jobs().timeoutMs();
    JsonObject headers = frame.getJsonObject("headers", new JsonObject());
    long timeoutMs = Math.min(headers.getLong("timeout", nodeTimeoutMs), nodeTimeoutMs);
    headers.put("timeout", timeoutMs);
    String requestId = headers.getString(JobApi.HEADER_REQUEST_ID);
    if (requestId == null || requestId.isBlank() || requestId.length() > MAX_REQUEST_ID_LENGTH) {
      headers.put(JobApi.HEADER_REQUEST_ID, Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }
    if (!headers.containsKey(JobApi.HEADER_DEADLINE)) {
      headers.put(JobApi.HEADER_DEADLINE, Long.toString(System.currentTimeMillis() + timeoutMs));
    }
    frame.put("headers", headers);
  }
}
