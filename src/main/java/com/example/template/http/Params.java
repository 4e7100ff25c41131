package com.example.template.http;

import com.example.template.config.WholeNumber;
import io.vertx.ext.web.RoutingContext;

/** Query-parameter parsing that answers the client itself when the value is unusable. */
final class Params {

  private Params() {
  }

  /**
   * The named query parameter as a long, or null after a 400 has been sent. Range checks
   * belong to the job, not here.
   */
  static Long requiredLong(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      Failures.send(ctx, 400, "query parameter '" + name + "' is required");
      return null;
    }
    Long value = WholeNumber.parse(raw);
    if (value == null) {
      Failures.send(ctx, 400, "query parameter '" + name + "' must be an integer");
    }
    return value;
  }
}
