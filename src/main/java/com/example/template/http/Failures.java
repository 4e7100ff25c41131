package com.example.template.http;

import com.example.template.api.JobApi;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure path of the HTTP API: every error becomes a status and a JSON
 * {@code {"error": ...}} body. Each job failure code maps to the HTTP status of the same number;
 * an event-bus timeout is a 504; a missing consumer or a full node is a 503 with
 * {@code Retry-After}. Only a bug on our side is a 500, and its body never carries internals.
 */
final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  private static final String RETRY_AFTER_SECONDS = "1";

  void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().ended() || ctx.response().closed()) {
      // Answered already (a 408 for a body too slow), or the client left (its job was cancelled):
      // nobody is left to tell.
      LOG.debug("{} {} failed after its answer or its client was gone: {}",
          ctx.request().method(), ctx.request().path(), String.valueOf(failure));
    } else if (failure instanceof ReplyException reply) {
      replyFailure(ctx, reply);
    } else if (failure instanceof HttpException http) {
      send(ctx, http.getStatusCode(), http.getPayload() != null ? http.getPayload() : reason(http.getStatusCode()));
    } else if (ctx.statusCode() == 400 && MalformedRequests.refusedForItsHost(ctx.request())) {
      // vert.x-web's router found no valid Host: answered, closed and logged as malformed
    } else if (clientError(ctx.statusCode()) || !ctx.request().isEnded()) {
      // A client's mistake that a handler failed with a status, or a request that broke off
      // before its end (a chunk size that is not hex, a reset): one DEBUG line, never an ERROR
      // with a stack trace. A request still arriving has not reached our code to fail it.
      int status = clientError(ctx.statusCode()) ? ctx.statusCode() : 400;
      LOG.debug("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), status, String.valueOf(failure));
      send(ctx, status, reason(status));
    } else {
      LOG.error("unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, 500, "internal error");
    }
  }

  private static void replyFailure(RoutingContext ctx, ReplyException reply) {
    switch (reply.failureType()) {
      case TIMEOUT -> send(ctx, 504, "the job did not finish in time");
      case NO_HANDLERS -> overloaded(ctx, "no worker is available for this job");
      case RECIPIENT_FAILURE -> {
        switch (reply.failureCode()) {
          case JobApi.INVALID_REQUEST -> send(ctx, 400, reply.getMessage());
          case JobApi.OVERLOADED -> overloaded(ctx, reply.getMessage());
          case JobApi.DEADLINE_EXCEEDED -> send(ctx, 504, reply.getMessage());
          case JobApi.OUTCOME_UNKNOWN -> send(ctx, 502, reply.getMessage());
          default -> send(ctx, 500, "internal error");
        }
      }
      default -> {
        LOG.error("event-bus failure on {}", ctx.request().path(), reply);
        send(ctx, 500, "internal error");
      }
    }
  }

  private static boolean clientError(int status) {
    return status >= 400 && status < 500;
  }

  /** A 503 that tells the client when to come back. */
  static void overloaded(RoutingContext ctx, String message) {
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    send(ctx, 503, message);
  }

  static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      default -> io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
    };
  }
}
