package com.example.template.work;

/**
 * The seed's {@code doWork(duration)}: keeps the calling thread busy for the whole duration,
 * exactly like a long computation would. On a worker thread that is fine; on an event loop it
 * stops every other request that loop serves (see {@code GET /demo/block}).
 */
public final class BusyLoop {

  private BusyLoop() {
  }

  /** Spins the calling thread for {@code ms} milliseconds. */
  public static void spin(long ms) {
    long end = System.nanoTime() + ms * 1_000_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
