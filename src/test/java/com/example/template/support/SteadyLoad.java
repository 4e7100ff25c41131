package com.example.template.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of {@code GET} requests over a few keep-alive connections, like a client
 * that keeps using a service while it is restarted under it. It never retries: every failed
 * request is counted, with what went wrong. It stops by itself after {@code maxDuration}.
 */
public final class SteadyLoad {

  private final HttpClient client;
  private final String path;
  private final AtomicInteger ok = new AtomicInteger();
  private final List<String> failures = new ArrayList<>();
  private final List<Future<Void>> loops = new ArrayList<>();
  private final long stopAt;
  private volatile boolean stopped;

  private SteadyLoad(Vertx vertx, int port, String path, int connections, Duration maxDuration) {
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
    this.path = path;
    this.stopAt = System.nanoTime() + maxDuration.toNanos();
    for (int i = 0; i < connections; i++) {
      Promise<Void> loop = Promise.promise();
      loops.add(loop.future());
      next(loop);
    }
  }

  /** Starts {@code connections} request loops against {@code 127.0.0.1:port}. */
  public static SteadyLoad start(Vertx vertx, int port, String path, int connections, Duration maxDuration) {
    return new SteadyLoad(vertx, port, path, connections, maxDuration);
  }

  private void next(Promise<Void> loop) {
    if (stopped || System.nanoTime() > stopAt) {
      loop.complete();
      return;
    }
    client.request(HttpMethod.GET, path)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 200) {
            ok.incrementAndGet();
          } else {
            synchronized (failures) {
              failures.add(ar.succeeded() ? "HTTP " + ar.result() : String.valueOf(ar.cause()));
            }
          }
          next(loop);
        });
  }

  /** Requests answered with 200 so far. */
  public int succeeded() {
    return ok.get();
  }

  /** What went wrong with each failed request so far. */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Forgets what was counted so far, e.g. once a restarted child is back. */
  public void reset() {
    ok.set(0);
    synchronized (failures) {
      failures.clear();
    }
  }

  /** Stops sending; completes when every loop has had its last answer. */
  public Future<Void> stop() {
    stopped = true;
    return Future.all(loops).eventually(client::close).mapEmpty();
  }
}
