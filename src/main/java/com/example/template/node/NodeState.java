package com.example.template.node;

import com.example.template.lifecycle.Phase;
import com.example.template.lifecycle.ServingState;
import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a node is doing now, shared by its verticles: its lifecycle phase (which the readiness
 * check and the drain read) and the counters the supervisor reports. The HTTP verticles see it
 * as a {@link ServingState}; only the node moves the phase.
 */
public final class NodeState implements ServingState {

  private volatile Phase phase = Phase.STARTING;
  private volatile boolean listenerClosed;
  private volatile int httpPort = -1;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final List<Context> eventLoops = new CopyOnWriteArrayList<>();

  @Override
  public Phase phase() {
    return phase;
  }

  @Override
  public boolean ready() {
    return phase == Phase.READY;
  }

  @Override
  public boolean sendingClientsAway() {
    return listenerClosed;
  }

  void markReady() {
    if (phase == Phase.STARTING) {
      phase = Phase.READY;
    }
  }

  void markDraining() {
    phase = Phase.DRAINING;
  }

  /**
   * The draining node's HTTP listener is closed (only a drain closes it): from now on its answers
   * send clients away.
   */
  void markListenerClosed() {
    listenerClosed = true;
  }

  /** The port the HTTP verticles listen on (the real one when the config said 0). */
  public int httpPort() {
    return httpPort;
  }

  @Override
  public void httpPort(int port) {
    httpPort = port;
  }

  @Override
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

  @Override
  public void connectionClosed() {
    openConnections.decrementAndGet();
  }

  public int openConnections() {
    return openConnections.get();
  }

  @Override
  public void addEventLoop(Context context) {
    eventLoops.add(context);
  }

  /** The event loops serving HTTP: a heartbeat that reaches all of them proves none is blocked. */
  public List<Context> eventLoops() {
    return List.copyOf(eventLoops);
  }

  @Override
  public void countRequest() {
    requests.increment();
  }

  /** HTTP requests this node has received since it started. */
  public long requests() {
    return requests.sum();
  }
}
