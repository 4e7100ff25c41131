package com.example.template.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's {@code /metrics}: one scrape target for the host. Each request scrapes every
 * online child's management listener, live, and answers with their samples labelled
 * {@code child="app-1.1"} (the name {@code list} shows), followed by the launcher's own, labelled
 * {@code child="launcher"}. Nothing is cached: a child that is starting, restarting or draining is
 * not online and is simply absent, and one that does not answer within {@link #CHILD_TIMEOUT_MS}
 * is left out of this answer, never shown with old numbers.
 */
public final class MergedMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(MergedMetrics.class);

  /** The label that names each sample's process. */
  public static final String LABEL = "child";

  /** The {@link #LABEL} of the launcher's own samples. */
  public static final String LAUNCHER = "launcher";

  // Children answer on loopback in milliseconds; a child that takes this long has a blocked event
  // loop, and Prometheus' own default scrape timeout (10 s) must not be spent waiting for it.
  static final long CHILD_TIMEOUT_MS = 2_000;

  /** Where one online child's management listener is. */
  public record Target(String name, String host, int port) {
  }

  private final Vertx vertx;
  private final Meters own;
  private final Supplier<Future<List<Target>>> targets;
  private final HttpClient client;

  /**
   * @param own the launcher's meters, or null when it has none
   * @param targets the children online now, asked at every scrape
   */
  public MergedMetrics(Vertx vertx, Meters own, Supplier<Future<List<Target>>> targets) {
    this.vertx = vertx;
    this.own = own;
    this.targets = targets;
    this.client = vertx.createHttpClient();
  }

  /** Answers one scrape. */
  public void handle(RoutingContext ctx) {
    merged().onSuccess(text -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail);
  }

  /** Every online child's scrape and the launcher's, merged. */
  public Future<String> merged() {
    return targets.get().compose(children -> {
      // A child that does not answer is left out: its scrape ends in null, never in a failure.
      List<Future<String>> scrapes = new ArrayList<>();
      children.forEach(child -> scrapes.add(scrape(child).otherwise((String) null)));
      Future<String> launcher = own == null ? Future.succeededFuture("") : vertx.executeBlocking(own::scrape, false);
      return Future.all(Future.all(scrapes), launcher).map(all -> {
        PrometheusText text = new PrometheusText(LABEL);
        for (int i = 0; i < children.size(); i++) {
          String scrape = scrapes.get(i).result();
          if (scrape != null) {
            text.add(children.get(i).name(), scrape);
          }
        }
        return text.add(LAUNCHER, launcher.result()).text();
      });
    });
  }

  private Future<String> scrape(Target child) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(child.host())
        .setPort(child.port())
        .setURI(ManagementVerticle.PATH)
        .setConnectTimeout(CHILD_TIMEOUT_MS)
        .setIdleTimeout(CHILD_TIMEOUT_MS);
    return client.request(request)
        .compose(req -> req.send())
        .compose(this::body)
        .timeout(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.debug("{}: no metrics this scrape: {}", child.name(), e.toString()));
  }

  private Future<String> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture("status " + response.statusCode());
    }
    return response.body().map(buffer -> buffer.toString());
  }
}
