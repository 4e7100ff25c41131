package com.example.template.http;

import com.example.template.config.AppConfig;
import com.example.template.lifecycle.ServingState;
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
 * shortest limit, and its clock is the time of the last sweep. That costs a request a map look-up
 * and a few field writes, where a timer per request would cost a timer set and cancelled on the
 * hot path; a limit is enforced up to two sweeps (a fifth of it) late, never early. HTTP/2
 * streams have their own framing and are left to Vert.x's idle timeout and stream limits.
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

  private final ServingState state;
  private final int maxConnections;
  private final long headNanos;
  private final long idleNanos;
  private final long bodyNanos;
  private final long sweepMs;
  private final long sweepNanos;
  private final Map<HttpConnection, Tracked> open = new HashMap<>();
  private long now = System.nanoTime(); // as of the last sweep
  private boolean refusing;

  Connections(AppConfig.Http http, ServingState state) {
    this.state = state;
    this.maxConnections = http.maxConnections();
    this.headNanos = TimeUnit.MILLISECONDS.toNanos(http.headTimeoutMs());
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(http.idleTimeoutMs());
    this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(http.bodyTimeoutMs());
    long shortest = Math.min(http.headTimeoutMs(), Math.min(http.idleTimeoutMs(), http.bodyTimeoutMs()));
    this.sweepMs = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, shortest / 10));
    this.sweepNanos = TimeUnit.MILLISECONDS.toNanos(sweepMs);
  }

  /** Starts the sweep on the calling verticle's event loop; Vert.x cancels it on undeploy. */
  void start(Vertx vertx) {
    vertx.setPeriodic(sweepMs, timer -> sweep());
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
    open.put(connection, new Tracked(headNanos, deadline(headNanos)));
    connection.closeHandler(v -> {
      open.remove(connection);
      state.connectionClosed();
    });
  }

  /** Called for every request as its head arrives, before anything else sees it. */
  void requestArrived(HttpServerRequest request) {
    Tracked tracked = open.get(request.connection());
    if (tracked == null) {
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      open.remove(request.connection()); // still counted: the close handler uncounts it
      return;
    }
    tracked.request = request;
    tracked.deadline = deadline(bodyNanos);
  }

  private void sweep() {
    now = System.nanoTime();
    List<Map.Entry<HttpConnection, Tracked>> overdue = new ArrayList<>();
    for (Map.Entry<HttpConnection, Tracked> entry : open.entrySet()) {
      Tracked tracked = entry.getValue();
      HttpServerRequest request = tracked.request;
      if (request != null) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
          // Answered (noticed up to one sweep late): the next head has the idle time to arrive.
          tracked.request = null;
          tracked.limit = idleNanos;
          tracked.deadline = now + idleNanos;
        } else if (!request.isEnded() && now > tracked.deadline) {
          overdue.add(entry);
        }
      } else if (now > tracked.deadline) {
        overdue.add(entry);
      }
    }
    // Closed outside the loop: a close may run the close handler, which changes the map.
    for (Map.Entry<HttpConnection, Tracked> entry : overdue) {
      cut(entry.getKey(), entry.getValue());
    }
  }

  // The clock is the last sweep's, up to one sweep behind the event it stamps: one sweep more
  // makes sure no limit is cut short.
  private long deadline(long limitNanos) {
    return now + limitNanos + sweepNanos;
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

  /**
   * One connection's state: the request it is on (null while waiting for a head), and when the
   * head (or its body) must have arrived.
   */
  private static final class Tracked {
    HttpServerRequest request;
    long limit; // of the head it waits for, for the log
    long deadline;

    Tracked(long limit, long deadline) {
      this.limit = limit;
      this.deadline = deadline;
    }
  }
}
