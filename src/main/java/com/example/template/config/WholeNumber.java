package com.example.template.config;

/**
 * The one whole-number rule, for config values, job fields, query parameters and the bridge's
 * {@code timeout} header: a JSON number with no fraction ({@code 5} and {@code 5.0}, not
 * {@code 5.5} nor {@code "5"}); in a query string, an optionally signed decimal integer.
 */
public final class WholeNumber {

  private WholeNumber() {
  }

  /** The value as a long, or null when it is not a whole number. */
  public static Long of(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    return null;
  }

  /** A query parameter's text as a long, or null when it is not a whole number. */
  public static Long parse(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
