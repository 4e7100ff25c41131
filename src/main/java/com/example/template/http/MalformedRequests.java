package com.example.template.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests framed so badly that no route should see them. Each gets the status RFC 9112 asks for,
 * a JSON error, and a closed connection (a client that framed one request wrongly cannot be
 * trusted to frame the next, and a proxy in front may have read the bytes differently: request
 * smuggling), and one DEBUG line: a client's mistake is not a server error, and 1,000 of them once
 * wrote 1.3 MB of ERROR stack traces.
 *
 * <p>Netty rejects what it cannot parse (a bad header line, a bad {@code Content-Length}, an
 * overlong line) and Vert.x hands those to {@link #invalid}. A transfer coding other than
 * {@code chunked}, which Netty ignored (it read the body as the next request), is refused by
 * {@link #refused} before routing. A missing or unparseable {@code Host} is found by vert.x-web's
 * router, which failed such a request into a 500 ({@code Host: ::::}); {@link Failures} hands it
 * to {@link #refusedForItsHost}.
 *
 * <p>Netty drops {@code Content-Length} when {@code Transfer-Encoding: chunked} is also present,
 * and reads the body as chunked, as RFC 9112 allows; the two can then no longer be told apart. So
 * every chunked request is answered and its connection closed, which is what the RFC requires for
 * the pair. Both that and a refusal go through {@link HttpConnection#shutdown}: Vert.x finishes
 * the request in progress, reads nothing after it, and closes. Broken chunk framing makes Vert.x
 * close the connection itself, before any answer can be written.
 */
final class MalformedRequests {

  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);
  // A refused connection is closed once its answer is written, or after this at the latest.
  private static final long REFUSAL_CLOSE_MS = 1_000;

  private MalformedRequests() {
  }

  /**
   * Answers and closes a request that must not be routed, and returns true. Returns false for a
   * request the router may see; if it is chunked, its connection is set to close once it is
   * answered, and Vert.x reads no request pipelined behind it (exactly what a request-smuggling
   * client sends).
   *
   * @param answerWithinMs the longest a chunked request may take to arrive and be answered;
   *     its connection is closed then at the latest
   */
  static boolean refused(HttpServerRequest request, long answerWithinMs) {
    String coding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    // HTTP/2 frames its bodies itself, and has no transfer codings.
    if (coding != null && request.version() != HttpVersion.HTTP_2) {
      if (request.version() == HttpVersion.HTTP_1_0) {
        return refuse(request, 400, "HTTP/1.0 has no Transfer-Encoding");
      }
      List<String> codings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
      if (codings.size() > 1 || !coding.trim().equalsIgnoreCase("chunked")) {
        return refuse(request, 501, "the only transfer coding accepted is chunked");
      }
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      request.connection().shutdown(answerWithinMs, TimeUnit.MILLISECONDS);
    }
    return false;
  }

  /**
   * Refuses a request that vert.x-web's router failed for want of a valid {@code Host} (it checks
   * every HTTP/1.1 request's authority as it routes it, so the check costs nothing on the way in)
   * and returns true; returns false, having done nothing, for any other failed request.
   */
  static boolean refusedForItsHost(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2 || request.authority() != null) {
      return false;
    }
    return refuse(request, 400, request.getHeader(HttpHeaders.HOST) == null
        ? "the Host header is required"
        : "the Host header must be host or host:port");
  }

  /** The server's handler for requests Netty could not decode. */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      refuse(request, 414, "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      refuse(request, 431, "the request headers are too large");
    } else {
      refuse(request, 400, "the request is malformed", cause == null ? "no reason given" : cause.getMessage());
    }
  }

  private static boolean refuse(HttpServerRequest request, int status, String error) {
    return refuse(request, status, error, error);
  }

  private static boolean refuse(HttpServerRequest request, int status, String error, String why) {
    LOG.debug("refused a request from {} with {}: {}", request.remoteAddress(), status, why);
    HttpConnection connection = request.connection();
    // Before the answer: once it is written Vert.x would serve a request pipelined behind this one.
    connection.shutdown(REFUSAL_CLOSE_MS, TimeUnit.MILLISECONDS);
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", error).encode())
        .onComplete(written -> connection.close());
    return true;
  }
}
