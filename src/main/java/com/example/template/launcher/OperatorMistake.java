package com.example.template.launcher;

/**
 * An operator's verb asked for what cannot be: a child that does not exist, a scale out of
 * bounds. The control socket answers it as a usage error (the verb exits 2), never as a failure
 * of the launcher.
 */
final class OperatorMistake extends RuntimeException {

  OperatorMistake(String message) {
    super(message, null, false, false);
  }
}
