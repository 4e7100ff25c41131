package com.example.template.config;

/** A configuration that cannot be used: the message is the one line the user sees. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
