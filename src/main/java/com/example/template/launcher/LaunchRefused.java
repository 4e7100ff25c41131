package com.example.template.launcher;

/**
 * The launcher cannot start here, and its config is not why: its run directory is taken or
 * cannot be made (a port someone holds is {@code PortCheck.PortTaken}). The message is the one
 * line the user sees; the exit code is {@code FAILED}, where a config mistake's is {@code USAGE}.
 */
public final class LaunchRefused extends RuntimeException {

  LaunchRefused(String message) {
    super(message);
  }

  LaunchRefused(String message, Throwable cause) {
    super(message, cause);
  }
}
