package com.example.template.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition that no event announces (another process's state), polled briefly. */
public final class Conditions {

  private static final long POLL_MS = 50;

  private Conditions() {
  }

  /** Returns as soon as the condition holds; fails with {@code what} if it does not in time. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
