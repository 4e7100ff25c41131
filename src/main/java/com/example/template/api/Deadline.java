package com.example.template.api;

/**
 * The {@link JobApi#HEADER_DEADLINE} rule, for whoever stamps it (the HTTP front through
 * {@link JobClient}, the bridge) and the worker that checks it: epoch milliseconds as a decimal
 * string, and a job picked up after it fails with {@link JobApi#DEADLINE_EXCEEDED}.
 */
public final class Deadline {

  private Deadline() {
  }

  /** The header's value for a job that may take {@code timeoutMs} from now. */
  public static String in(long timeoutMs) {
    return at(System.currentTimeMillis() + timeoutMs);
  }

  /** The header's value for a deadline at this epoch millisecond. */
  public static String at(long epochMs) {
    return Long.toString(epochMs);
  }

  /**
   * Checks a job's header before it runs: absent is no deadline.
   *
   * @throws JobException {@link JobApi#INVALID_REQUEST} when it is not epoch milliseconds,
   *     {@link JobApi#DEADLINE_EXCEEDED} when it has passed
   */
  public static void check(String header) throws JobException {
    if (header == null) {
      return;
    }
    long epochMs;
    try {
      epochMs = Long.parseLong(header);
    } catch (NumberFormatException e) {
      throw new JobException(JobApi.INVALID_REQUEST, "the " + JobApi.HEADER_DEADLINE + " header must be epoch milliseconds");
    }
    if (System.currentTimeMillis() > epochMs) {
      throw new JobException(JobApi.DEADLINE_EXCEEDED, "the deadline passed before the job could start");
    }
  }
}
