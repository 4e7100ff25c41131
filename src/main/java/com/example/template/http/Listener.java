package com.example.template.http;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP server's listening socket and nothing else: the connections it has accepted
 * stay open and keep being served. Vert.x has no call for this: {@code shutdown} closes the
 * listener and, at the same moment, every connection that has no request in progress, including
 * one accepted a moment ago whose first request is still on its way. Under a reload that is a
 * failed request: with {@code wrk -t2 -c64}, three reloads lost 0 to 13 requests.
 *
 * <p>A draining node therefore closes its listener first. Its siblings in the SO_REUSEPORT group
 * (the replacement a reload started, the other children) take every new connection from then on,
 * and only then does the node answer what it has already accepted with {@code Connection: close}
 * (a client sent away earlier reconnects at once, and could be queued on this listener as it
 * closes). Vert.x's shutdown then closes what is left, by then connections that stayed idle for
 * the whole close window. A connection still in the closed socket's accept queue is reset by
 * Linux, unless {@code net.ipv4.tcp_migrate_req} is 1 (docs/OPERATIONS.md): then it hands it to a
 * sibling.
 *
 * <p>It reaches the listening channel through Vert.x 5's internals ({@code HttpServerImpl} holds
 * a {@code NetServerImpl}, whose shared {@code actualServer} holds the bind's future), since no
 * public API exposes it. If they change, it says so once and the node drains as Vert.x's shutdown
 * alone does; {@code ListenerTest} fails on the upgrade that changes them.
 */
final class Listener {

  private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

  private Listener() {
  }

  /**
   * Closes the server's listening socket; completes once it is closed, or at once, having logged
   * why, when it cannot be reached (the server then keeps listening until its shutdown).
   */
  static Future<Void> close(HttpServer server) {
    Channel channel;
    try {
      Object tcpServer = field(server, "tcpServer");
      Object actualServer = field(tcpServer, "actualServer");
      @SuppressWarnings("unchecked")
      Future<Channel> bound = (Future<Channel>) field(actualServer, "bindFuture");
      channel = bound == null ? null : bound.result();
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot close the HTTP listener ahead of the connections ({}): this Vert.x version hides it; "
          + "the drain closes both at once", e.toString());
      return Future.succeededFuture();
    }
    if (channel == null) {
      return Future.succeededFuture(); // not listening
    }
    Promise<Void> closed = Promise.promise();
    channel.close().addListener(done -> closed.complete());
    return closed.future();
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
  }
}
