package com.example.template.work;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on jobs a node has in flight. Callers that cannot get a permit answer at once
 * (HTTP 503 with {@code Retry-After}) instead of queueing work that would only time out.
 *
 * <p>One instance is shared by every HTTP verticle of a node, so the bound holds for the node
 * as a whole, whichever event loop a request arrives on.
 */
public final class InFlightLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimit(int max) {
    this.max = max;
  }

  /** Takes a permit if one is free; a caller that got one must {@link #release()} it. */
  public boolean tryAcquire() {
    while (true) {
      int current = inFlight.get();
      if (current >= max) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  /** Jobs in flight now, for stats. */
  public int inFlight() {
    return inFlight.get();
  }
}
