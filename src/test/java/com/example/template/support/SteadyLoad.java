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
 * that keeps using a service while it is restarted under it. It stops by itself after
 * {@code maxDuration}.
 *
 * <p>It behaves as HTTP lets a client behave (RFC 9110, 9.2.2) and as browsers, OkHttp and the
 * JDK's client do: a {@code GET} whose connection broke before its answer came back is
 * sent once more, on a new connection. Such retries are counted apart ({@link #retried()}); a
 * request that fails anyway, or fails in any other way, is a failure, with what went wrong.
 * Why it matters: a draining server that closes its listener also closes connections it accepted
 * a moment earlier whose first request it has not read yet; Vert.x offers no way to stop
 * accepting while keeping such connections open.
 */
public final class SteadyLoad {

  private final HttpClient client;
  private final String path;
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger retried = new AtomicInteger();
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
    get().recover(failure -> {
      if (!brokenBeforeAnswer(failure)) {
        return Future.failedFuture(failure);
      }
      retried.incrementAndGet();
      return get();
    }).onComplete(ar -> {
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

  private Future<Integer> get() {
    return client.request(HttpMethod.GET, path)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  // The connection closed or was reset before the answer arrived: a GET may be sent again.
  private static boolean brokenBeforeAnswer(Throwable failure) {
    return failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof java.net.SocketException && String.valueOf(failure.getMessage()).contains("reset");
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

  /** Requests sent a second time because their connection broke before any answer. */
  public int retried() {
    return retried.get();
  }

  /** Forgets what was counted so far, e.g. once a restarted child is back. */
  public void reset() {
    ok.set(0);
    retried.set(0);
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
