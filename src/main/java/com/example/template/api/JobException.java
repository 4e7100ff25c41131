package com.example.template.api;

/**
 * A job refused or failed for a reason the caller should know: the code is one of
 * {@link com.example.template.api.JobApi}'s failure codes and the message is safe to show.
 */
public final class JobException extends Exception {

  private final int code;

  public JobException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The failure code sent back with {@code Message.fail}. */
  public int code() {
    return code;
  }
}
