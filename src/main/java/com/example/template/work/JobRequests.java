package com.example.template.work;

import static com.example.template.api.JobApi.INVALID_REQUEST;

import com.example.template.api.JobException;
import com.example.template.config.WholeNumber;
import io.vertx.core.json.JsonObject;

/** Field checks shared by the jobs, each failing with a message a caller can act on. */
final class JobRequests {

  private JobRequests() {
  }

  static long requiredLong(JsonObject request, String field, long min, long max) throws JobException {
    return longIn(request.getValue(field), field, min, max);
  }

  static long optionalLong(JsonObject request, String field, long fallback, long min, long max)
      throws JobException {
    Object value = request.getValue(field);
    return value == null ? fallback : longIn(value, field, min, max);
  }

  static String requiredString(JsonObject request, String field, int maxLength) throws JobException {
    if (!(request.getValue(field) instanceof String s) || s.isEmpty() || s.length() > maxLength) {
      throw new JobException(INVALID_REQUEST,
          "'" + field + "' must be a string of 1 to " + maxLength + " characters");
    }
    return s;
  }

  private static long longIn(Object value, String field, long min, long max) throws JobException {
    Long n = WholeNumber.of(value);
    if (n != null && n >= min && n <= max) {
      return n;
    }
    throw new JobException(INVALID_REQUEST, "'" + field + "' must be an integer between " + min + " and " + max);
  }
}
