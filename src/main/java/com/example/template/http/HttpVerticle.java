package com.example.template.http;

import com.example.template.api.JobClient;
import com.example.template.config.AppConfig;
import com.example.template.lifecycle.ServingState;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of a node, deployed once per event loop. Its routes are thin: they parse, send a
 * job over the event bus and map the reply; nothing here blocks. In front of the router it holds
 * the limits a public listener needs: the connection cap and the head, body and idle timeouts
 * ({@link Connections}), the refusal of malformed requests ({@link MalformedRequests}), and
 * HTTP/2 without TLS only when switched on, with its stream limits.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final AppConfig config;
  private final JobClient jobs;
  private final InFlightLimit inFlight;
  private final ServingState state;
  private HttpServer server;

  public HttpVerticle(AppConfig config, JobClient jobs, InFlightLimit inFlight, ServingState state) {
    this.config = config;
    this.jobs = jobs;
    this.inFlight = inFlight;
    this.state = state;
  }

  @Override
  public Future<?> start() {
    state.addEventLoop(context);
    Connections connections = new Connections(config.http(), state);
    Router router = Routes.create(vertx, config, jobs, inFlight, state);
    long answerWithinMs = config.http().bodyTimeoutMs() + config.jobs().timeoutMs();
    server = vertx.createHttpServer(options(config.http(), config.jobs()))
        .connectionHandler(connections::connected)
        .requestHandler(request -> {
          connections.requestArrived(request);
          if (!MalformedRequests.refused(request, answerWithinMs)) {
            state.countRequest();
            if (state.sendingClientsAway()) {
              closeAfterAnswer(request, answerWithinMs);
            }
            router.handle(request);
          }
        })
        .invalidRequestHandler(MalformedRequests::invalid)
        // A client that breaks its connection mid-request (a bad chunk, a reset) is not our error.
        .exceptionHandler(failure -> LOG.debug("HTTP connection failed: {}", failure.toString()));
    connections.start(vertx);
    return server.listen().onSuccess(s -> state.httpPort(s.actualPort()));
  }

  /**
   * Closes the listening socket only: the connections already accepted stay and are served, each
   * told to close on its next answer (see {@link Listener}). The first step of a drain.
   */
  public Future<Void> stopAccepting() {
    return server == null ? Future.succeededFuture() : Listener.close(server);
  }

  /**
   * Once the node drains and its listener is closed, every answer tells the client to close its
   * keep-alive connection and then closes it, so the client leaves on a response instead of
   * meeting a closed socket on its next request. Vert.x sends a {@code Connection: close} header
   * it did not set but keeps the connection open; its shutdown finishes the request in progress,
   * reads nothing after it, and closes. HTTP/2 forbids the header (a client refuses the answer
   * that carries it); its shutdown is a GOAWAY, after which the open streams finish. Done here
   * rather than as a catch-all route: a route of its own cost every request a second route match.
   */
  private static void closeAfterAnswer(HttpServerRequest request, long answerWithinMs) {
    if (request.version() != HttpVersion.HTTP_2) {
      request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    request.connection().shutdown(answerWithinMs, TimeUnit.MILLISECONDS);
  }

  /** Stops taking connections and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drain().graceMs(), TimeUnit.MILLISECONDS);
  }

  private static HttpServerOptions options(AppConfig.Http http, AppConfig.Jobs jobs) {
    long h2IdleMs = Math.min(Integer.MAX_VALUE, jobs.timeoutMs() + http.idleTimeoutMs());
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setReusePort(http.reusePort())
        // Connections watches HTTP/1 connections. HTTP/2 ones (h2c) get Vert.x's idle timeout:
        // no byte either way for this long closes them, longer than a job may take so a stream
        // waiting on its job is not cut. Only then: it costs every read and write a clock read.
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(http.h2c() ? (int) h2IdleMs : 0)
        .setHttp2ClearTextEnabled(http.h2c())
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(http.h2MaxConcurrentStreams()))
        .setHttp2RstFloodMaxRstFramePerWindow(http.h2RstFloodMax())
        .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.MILLISECONDS)
        .setHttp2RstFloodWindowDuration(Math.toIntExact(http.h2RstFloodWindowMs()));
  }
}
