package com.example.template.http;

import com.example.template.api.JobClient;
import com.example.template.config.AppConfig;
import com.example.template.node.NodeState;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front of a node, deployed once per event loop. Its routes are thin: they parse, send a
 * job over the event bus and map the reply; nothing here blocks.
 */
public final class HttpVerticle extends VerticleBase {

  private final AppConfig config;
  private final JobClient jobs;
  private final InFlightLimit inFlight;
  private final NodeState state;
  private HttpServer server;

  public HttpVerticle(AppConfig config, JobClient jobs, InFlightLimit inFlight, NodeState state) {
    this.config = config;
    this.jobs = jobs;
    this.inFlight = inFlight;
    this.state = state;
  }

  @Override
  public Future<?> start() {
    state.addEventLoop(context);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setReusePort(config.http().reusePort());
    server = vertx.createHttpServer(options)
        .connectionHandler(state::track)
        .requestHandler(Routes.create(vertx, config, jobs, inFlight, state));
    return server.listen().onSuccess(s -> state.httpPort(s.actualPort()));
  }

  /** Stops taking connections and lets in-flight requests finish within the grace period. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.drain().graceMs(), TimeUnit.MILLISECONDS);
  }
}
