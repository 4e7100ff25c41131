package com.example.template.http;

import com.example.template.config.AppConfig;
import com.example.template.node.NodeState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.x connections of one HTTP verticle, and the time each may take to send its request.
 *
 * <p>Vert.x's idle timeout counts any byte as activity, so a client that sends its request head a
 * byte at a time (slowloris), or its body a byte at a time, is never idle: measured, 200 such
 * connections and 50 trickled bodies held their sockets for good. Here a connection is always in
 * one of three states, each with its own limit:
 *
 * <ul>
 *   <li>waiting for a request head: a new connection must complete its first head within
 *       {@code http.headTimeoutMs}; after an answer, a keep-alive connection must complete the next
 *       one within {@code http.idleTimeoutMs}. Past it, the connection is closed;
 *   <li>receiving a body: it must be complete {@code http.bodyTimeoutMs} after the head, or the
 *       client gets a 408 and the connection is closed;
 *   <li>being answered: no limit here, since every route answers within {@code jobs.timeoutMs}.
 * </ul>
 *
 * <p>A periodic sweep on the verticle's event loop checks every connection about ten times per
 * shortest limit. That costs a request two field writes, where a timer per request would cost a
 * timer set and cancelled on the hot path. HTTP/2 streams have their own framing and are left to
 * Vert.x's idle timeout and stream limits.
 *
 * <p>It also holds the node's cap on open connections ({@code http.maxConnections}): beyond it a
 * new connection is closed at once, before the process runs out of file descriptors (measured:
 * 20,600 idle connections did, and {@code /hello} timed out).
 *
 * <p>Everything here runs on the verticle's event loop, so the map needs no lock.
 */
final class Connections {

  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  private static final long MIN_SWEEP_MS = 10;
  private static final long MAX_SWEEP_MS = 1_000;

  private final NodeState state;
  private final int maxConnections;
  private final long headNanos;
  private final long idleNanos;
  private final long bodyNanos;
  private final long sweepMs;
  private final Map<HttpConnection, Tracked> open = new HashMap<>();
  private boolean refusing;

  Connections(AppConfig.Http http, NodeState state) {
    this.state = state;
    this.maxConnections = http.maxConnections();
    this.headNanos = TimeUnit.MILLISECONDS.toNanos(http.headTimeoutMs());
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(http.idleTimeoutMs());
    this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(http.bodyTimeoutMs());
    long shortest = Math.min(http.headTimeoutMs(), Math.min(http.idleTimeoutMs(), http.bodyTimeoutMs()));
    this.sweepMs = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, shortest / 10));
  }

  /** Starts the sweep on the calling verticle's event loop; Vert.x cancels it on undeploy. */
  void start(Vertx vertx) {
    vertx.setPeriodic(sweepMs, timer -> sweep(System.nanoTime()));
  }

  /** The server's connection handler: counts the connection, or closes it when the node is full. */
  void connected(HttpConnection connection) {
    if (!state.connectionOpened(maxConnections)) {
      if (!refusing) {
        refusing = true;
        LOG.warn("{} connections open, the most this node takes (http.maxConnections): closing new ones", maxConnections);
      }
      connection.close();
      return;
    }
    if (refusing) {
      refusing = false;
      LOG.info("below {} open connections again: taking new ones", maxConnections);
    }
    open.put(connection, new Tracked(System.nanoTime(), headNanos));
    connection.closeHandler(v -> {
      open.remove(connection);
      state.connectionClosed();
    });
  }

  /**
   * Called for every request as its head arrives, before anything else sees it. Returns false,
   * having closed the connection, for a request pipelined behind one whose answer ends the
   * connection ({@link MalformedRequests#closeAfterAnswer}): Vert.x would serve it before the
   * close, and it is exactly what a request-smuggling client sends.
   */
  boolean requestArrived(HttpServerRequest request) {
    Tracked tracked = open.get(request.connection());
    if (tracked == null) {
      return true;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      open.remove(request.connection()); // still counted: the close handler uncounts it
      return true;
    }
    if (tracked.closing) {
      LOG.debug("closing a connection from {}: a request came after one that ends it", request.remoteAddress());
      request.connection().close();
      return false;
    }
    tracked.request = request;
    tracked.since = System.nanoTime();
    tracked.closing = MalformedRequests.closeAfterAnswer(request);
    return true;
  }

  private void sweep(long now) {
    List<Map.Entry<HttpConnection, Tracked>> overdue = new ArrayList<>();
    for (Map.Entry<HttpConnection, Tracked> entry : open.entrySet()) {
      Tracked tracked = entry.getValue();
      HttpServerRequest request = tracked.request;
      if (request != null) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
          // Answered (noticed up to one sweep late): the next head has the idle time to arrive.
          tracked.request = null;
          tracked.since = now;
          tracked.limit = idleNanos;
        } else if (!request.isEnded() && now - tracked.since > bodyNanos) {
          overdue.add(entry);
        }
      } else if (now - tracked.since > tracked.limit) {
        overdue.add(entry);
      }
    }
    // Closed outside the loop: a close may run the close handler, which changes the map.
    for (Map.Entry<HttpConnection, Tracked> entry : overdue) {
      cut(entry.getKey(), entry.getValue());
    }
  }

  private void cut(HttpConnection connection, Tracked tracked) {
    HttpServerRequest request = tracked.request;
    if (request == null) {
      LOG.debug("closing a connection from {}: no complete request head within {} ms",
          connection.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(tracked.limit));
    } else {
      LOG.debug("answering 408 to {} {} from {}: its body did not arrive within {} ms",
          request.method(), request.path(), connection.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(bodyNanos));
      HttpServerResponse response = request.response();
      if (!response.headWritten()) {
        response.setStatusCode(408)
            .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("error", "the request body did not arrive in time").encode());
      }
    }
    open.remove(connection);
    connection.close();
  }

  /** One connection's state: the request it is on (null while waiting for a head) and since when. */
  private static final class Tracked {
    HttpServerRequest request;
    long since;
    long limit;
    boolean closing;

    Tracked(long since, long limit) {
      this.since = since;
      this.limit = limit;
    }
  }
}
