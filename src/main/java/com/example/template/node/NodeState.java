package com.example.template.node;

import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a node is doing now, shared by its verticles: its lifecycle phase (which the readiness
 * check and the drain read) and the counters the supervisor reports.
 */
public final class NodeState {

  /** The lifecycle of a node. It only ever moves forward. */
  public enum Phase {
    /** Deploying: not ready for traffic. */
    STARTING,
    /** Listening and every job consumer registered: ready for traffic. */
    READY,
    /** Finishing what it has, telling keep-alive clients to leave: not ready. */
    DRAINING
  }

  private volatile Phase phase = Phase.STARTING;
  private volatile int httpPort = -1;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final List<Context> eventLoops = new CopyOnWriteArrayList<>();

  public Phase phase() {
    return phase;
  }

  public boolean ready() {
    return phase == Phase.READY;
  }

  public boolean draining() {
    return phase == Phase.DRAINING;
  }

  void markReady() {
    if (phase == Phase.STARTING) {
      phase = Phase.READY;
    }
  }

  void markDraining() {
    phase = Phase.DRAINING;
  }

  /** The port the HTTP verticles listen on (the real one when the config said 0). */
  public int httpPort() {
    return httpPort;
  }

  public void httpPort(int port) {
    httpPort = port;
  }

  /**
   * Counts a new HTTP connection, unless the node already has {@code max} open: then it returns
   * false and the caller closes the connection. A counted connection is uncounted with
   * {@link #connectionClosed()}; the drain waits for the count to reach 0.
   */
  public boolean connectionOpened(int max) {
    while (true) {
      int open = openConnections.get();
      if (open >= max) {
        return false;
      }
      if (openConnections.compareAndSet(open, open + 1)) {
        return true;
      }
    }
  }

  public void connectionClosed() {
    openConnections.decrementAndGet();
  }

  public int openConnections() {
    return openConnections.get();
  }

  /** Records the event loop of an HTTP verticle, so a liveness probe can visit each of them. */
  public void addEventLoop(Context context) {
    eventLoops.add(context);
  }

  /** The event loops serving HTTP: a heartbeat that reaches all of them proves none is blocked. */
  public List<Context> eventLoops() {
    return List.copyOf(eventLoops);
  }

  public void countRequest() {
    requests.increment();
  }

  /** HTTP requests this node has received since it started. */
  public long requests() {
    return requests.sum();
  }
}
