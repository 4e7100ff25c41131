package com.example.template.work;

import java.util.function.BooleanSupplier;

/**
 * The seed's {@code doWork(duration)}: keeps the calling thread busy for the whole duration,
 * exactly like a long computation would. On a worker thread that is fine; on an event loop it
 * stops every other request that loop serves.
 */
public final class BusyLoop {

  private BusyLoop() {
  }

  /**
   * Spins the calling thread for {@code ms} milliseconds, or until {@code stop} says so: a long
   * computation that checks now and then whether anyone still wants its result.
   *
   * @return true when it ran the whole duration, false when it was stopped
   */
  public static boolean spin(long ms, BooleanSupplier stop) {
    long end = System.nanoTime() + ms * 1_000_000L;
    while (System.nanoTime() < end) {
      if (stop.getAsBoolean()) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }
}
