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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management listener: {@code GET /metrics} in the Prometheus text format, on its own host
 * and port ({@code management.*}, loopback by default), never on the public HTTP port. Anything
 * else is a 404.
 *
 * <p>A port someone else holds (another deployment on the host, with the same default) is not a
 * reason to refuse the whole service: unless the port is required, it listens on a free one and
 * says which in a WARN line, which the start's own "metrics:" line repeats.
 */
public final class ManagementVerticle extends VerticleBase {

  /** The one path it serves. */
  public static final String PATH = "/metrics";

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private final String host;
  private final int port;
  private final boolean requirePort;
  private final Consumer<Router> routes;
  private HttpServer server;

  private ManagementVerticle(String host, int port, boolean requirePort, Consumer<Router> routes) {
    this.host = host;
    this.port = port;
    this.requirePort = requirePort;
    this.routes = routes;
  }

  /**
   * A node's: its own meters. The scrape runs on a worker thread: writing a few thousand lines
   * takes milliseconds, which an event loop serving {@code /hello} should not lose.
   *
   * @param port 0 for a free one (a launcher's children, tests)
   * @param requirePort whether a taken {@code port} fails the start rather than moving to a free one
   */
  public static ManagementVerticle forNode(String host, int port, boolean requirePort, Meters meters) {
    return new ManagementVerticle(host, port, requirePort,
        router -> router.get(PATH).blockingHandler(PrometheusScrapingHandler.create(meters.registry())));
  }

  /** A launcher's: {@code metrics} answers with its children's metrics and its own. */
  public static ManagementVerticle forLauncher(String host, int port, boolean requirePort,
      Handler<RoutingContext> metrics) {
    return new ManagementVerticle(host, port, requirePort, router -> router.get(PATH).handler(metrics));
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    routes.accept(router);
    return listen(router, port).recover(e -> {
      boolean inUse = String.valueOf(e.getMessage()).contains("in use");
      if (requirePort || port == 0 || !inUse) {
        // Named here: the bind error does not say which listener failed.
        return Future.failedFuture("cannot listen on " + host + ":" + port + " (management): "
            + (inUse ? "address already in use" : e.getMessage()));
      }
      return listen(router, 0).onSuccess(listening -> LOG.warn(
          "management port {}:{} is in use; /metrics listens on {}:{} instead (with management.requirePort"
              + " true, the start fails)", host, port, host, listening.actualPort()));
    });
  }

  private Future<HttpServer> listen(Router router, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
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
