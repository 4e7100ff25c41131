package com.example.template.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The request-id rule, the same for HTTP's {@code X-Request-Id} and the bridge's
 * {@link JobApi#HEADER_REQUEST_ID}: a caller's id is kept when it is not blank and at most
 * {@value #MAX_LENGTH} characters, else a fresh one is made.
 */
public final class RequestId {

  /** The longest id taken from a caller; a longer one is replaced, not echoed. */
  public static final int MAX_LENGTH = 128;

  private RequestId() {
  }

  /** The caller's id when it is usable, else a fresh one. */
  public static String orFresh(String given) {
    return given != null && !given.isBlank() && given.length() <= MAX_LENGTH
        ? given
        : Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
