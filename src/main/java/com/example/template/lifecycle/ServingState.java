package com.example.template.lifecycle;

import io.vertx.core.Context;

/**
 * What the HTTP front of a node reads of the node's lifecycle, and what it reports back: the
 * node's side of the contract, kept here, below both, so that {@code http} never imports the
 * node that deploys it. The node owns the phase; only it moves it forward. Every method may be
 * called from any event loop.
 */
public interface ServingState {

  Phase phase();

  /** Ready for traffic: the readiness check answers 200. */
  boolean ready();

  /**
   * Sending clients away: the node is draining and its listener is closed, so every answer tells
   * the client to close its connection (and the client reconnects to another child).
   */
  boolean sendingClientsAway();

  /** Records the port the HTTP verticles listen on (the real one when the config said 0). */
  void httpPort(int port);

  /**
   * Counts a new HTTP connection, unless the node already has {@code max} open: then it returns
   * false and the caller closes the connection. A counted connection is uncounted with
   * {@link #connectionClosed()}; the drain waits for the count to reach 0.
   */
  boolean connectionOpened(int max);

  void connectionClosed();

  /** Records the event loop of an HTTP verticle, so a liveness probe can visit each of them. */
  void addEventLoop(Context context);

  /** Counts one HTTP request. */
  void countRequest();
}
