package com.example.template.http;

import com.example.template.api.RequestId;
import io.vertx.ext.web.RoutingContext;

/**
 * The request id of a job request: the caller's {@code X-Request-Id} when it sent a usable one,
 * else a fresh one ({@link RequestId}, the bridge's rule too). It is echoed on every answer of the job routes, errors included, and travels
 * with the job so the worker that runs it logs it.
 */
final class RequestIds {

  static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";

  private RequestIds() {
  }

  /** A route handler: picks the id, puts it on the response, and passes the request on. */
  static void assign(RoutingContext ctx) {
    String id = RequestId.orFresh(ctx.request().getHeader(HEADER));
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The id {@link #assign} chose for this request. */
  static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
