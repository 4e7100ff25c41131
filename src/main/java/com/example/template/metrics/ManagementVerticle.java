package com.example.template.metrics;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Consumer;

/**
 * The management listener: {@code GET /metrics} in the Prometheus text format, on its own host
 * and port ({@code management.*}, loopback by default), never on the public HTTP port. Anything
 * else is a 404.
 */
public final class ManagementVerticle extends VerticleBase {

  /** The one path it serves. */
  public static final String PATH = "/metrics";

  private final String host;
  private final int port;
  private final Consumer<Router> routes;
  private HttpServer server;

  private ManagementVerticle(String host, int port, Consumer<Router> routes) {
    this.host = host;
    this.port = port;
    this.routes = routes;
  }

  /**
   * A node's: its own meters. The scrape runs on a worker thread: writing a few thousand lines
   * takes milliseconds, which an event loop serving {@code /hello} should not lose.
   *
   * @param port 0 for a free one (a launcher's children, tests)
   */
  public static ManagementVerticle forNode(String host, int port, Meters meters) {
    return new ManagementVerticle(host, port,
        router -> router.get(PATH).blockingHandler(PrometheusScrapingHandler.create(meters.registry())));
  }

  /** A launcher's: {@code metrics} answers with its children's metrics and its own. */
  public static ManagementVerticle forLauncher(String host, int port, Handler<RoutingContext> metrics) {
    return new ManagementVerticle(host, port, router -> router.get(PATH).handler(metrics));
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    routes.accept(router);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The port it listens on, once started. */
  public int port() {
    return server.actualPort();
  }
}
