package com.example.template.launcher;

/**
 * When to restart a child that died, and when to give up: exponential backoff on failed
 * starts, and a crash-loop limit after which the slot is marked errored.
 *
 * @param backoffMs the first delay after a failed start
 * @param maxBackoffMs the cap on the delay
 * @param crashLoopLimit failed starts in a row that mark the slot errored
 */
record RestartPolicy(long backoffMs, long maxBackoffMs, int crashLoopLimit) {

  /**
   * The delay before the next start, given the failed starts in a row so far. A child that
   * ran well and then crashed (no failed start) comes back at once.
   */
  long delayMs(int failedStarts) {
    if (failedStarts <= 0) {
      return 0;
    }
    int doublings = Math.min(failedStarts - 1, 30);
    return Math.min(maxBackoffMs, backoffMs << doublings);
  }

  /** Whether this many failed starts in a row mean the child should no longer be restarted. */
  boolean givesUp(int failedStarts) {
    return failedStarts >= crashLoopLimit;
  }
}
