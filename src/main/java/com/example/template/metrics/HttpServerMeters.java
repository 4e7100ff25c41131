package com.example.template.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP servers' meters of one Vert.x instance, under the names and labels Vert.x's Micrometer
 * module gives them ({@code vertx_http_server_requests_total} and
 * {@code vertx_http_server_response_time_seconds} by {@code method}, {@code code} and
 * {@code route}), at a fraction of its cost per request.
 *
 * <p>Why not the module's own: for every request it builds a tag set, registers its
 * active-requests gauge again (which Micrometer then checks for a double registration) and finds
 * five meters by id; under {@code wrk} that was about a quarter of the event loops' time on
 * {@code /hello} (docs/BENCHMARKS.md). Here each (route, method, status) registers its timer once
 * and keeps it, and the request counter is that timer's count, read at the scrape; a request costs
 * a clock read at each end, a look-up by its route's name and one record. The same Vert.x SPI
 * feeds it ({@link HttpServerMetrics}), so vert.x-web's route names arrive exactly as they reach
 * the module.
 *
 * <p>What it leaves out of the module's set: the per-request byte-size summaries (the connection
 * byte counters stay) and the labels on the in-flight and reset figures (they are totals). And
 * what it bounds: a method outside HTTP's standard ones is {@code method="other"}, since the
 * module named every token a client sent (measured: {@code FOO1}, {@code FOO2}, ... each its own
 * series).
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Request, Void, Void> {

  static final String REQUESTS = "vertx.http.server.requests";

  static final String OTHER_METHOD = "other";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, RouteSeries> byRoute = new ConcurrentHashMap<>();
  private final LongAdder activeRequests = new LongAdder();
  private final LongAdder activeConnections = new LongAdder();
  private final Counter resets;
  private final Counter bytesRead;
  private final Counter bytesWritten;

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("vertx.http.server.active.requests", activeRequests, LongAdder::doubleValue)
        .description("Number of requests being processed").register(registry);
    Gauge.builder("vertx.http.server.active.connections", activeConnections, LongAdder::doubleValue)
        .description("Number of opened connections to the server").register(registry);
    resets = Counter.builder("vertx.http.server.request.resets")
        .description("Number of requests whose connection or stream closed before the answer").register(registry);
    bytesRead = Counter.builder("vertx.http.server.bytes.read")
        .description("Number of bytes received by the server").register(registry);
    bytesWritten = Counter.builder("vertx.http.server.bytes.written")
        .description("Number of bytes sent by the server").register(registry);
  }

  @Override
  public Void connected(SocketAddress remoteAddress, String remoteName) {
    activeConnections.increment();
    return null;
  }

  @Override
  public void disconnected(Void socketMetric, SocketAddress remoteAddress) {
    activeConnections.decrement();
  }

  @Override
  public void bytesRead(Void socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.increment(numberOfBytes);
  }

  @Override
  public void bytesWritten(Void socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.increment(numberOfBytes);
  }

  @Override
  public Request requestBegin(Void socketMetric, HttpRequest request) {
    activeRequests.increment();
    return new Request(label(request.method()), System.nanoTime());
  }

  // The client chooses the method, and any token is one: each would start a series of its own, so
  // a client sending made-up methods could grow the registry without end. Only HTTP's standard
  // methods are named. Vert.x hands those as its shared constants, so identity tells them: a set
  // look-up by name here was 4.5 % of a child's event-loop samples on /hello (docs/BENCHMARKS.md).
  static String label(HttpMethod method) {
    if (method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.HEAD
        || method == HttpMethod.PUT || method == HttpMethod.DELETE || method == HttpMethod.PATCH
        || method == HttpMethod.OPTIONS || method == HttpMethod.TRACE || method == HttpMethod.CONNECT) {
      return method.name();
    }
    return OTHER_METHOD;
  }

  @Override
  public void requestRouted(Request request, String route) {
    if (request != null) {
      request.routed(route);
    }
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    if (request == null || !request.finish()) {
      return; // an HTTP/2 push, which no route here makes, or already counted as reset
    }
    activeRequests.decrement();
    RouteSeries route = byRoute.get(request.route);
    if (route == null) {
      route = byRoute.computeIfAbsent(request.route, RouteSeries::new);
    }
    route.find(request.method, response.statusCode()).record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestReset(Request request) {
    if (request != null && request.finish()) {
      activeRequests.decrement();
      resets.increment();
    }
  }

  /** One route's series, one per method and status, and the one its last answer used. */
  private final class RouteSeries {
    private final String route;
    private final ConcurrentMap<String, Series> byAnswer = new ConcurrentHashMap<>();
    // Most answers on a route have the method and status of the one before: found without a
    // look-up. Two event loops may overwrite each other's; either is right.
    private volatile Series last;

    RouteSeries(String route) {
      this.route = route;
    }

    Timer find(String method, int code) {
      Series series = last;
      if (series == null || series.code != code || !series.method.equals(method)) {
        series = byAnswer.computeIfAbsent(method + ' ' + code, answer -> register(method, code));
        last = series;
      }
      return series.time;
    }

    // The request count is the timer's, read at the scrape: one record per request, not two.
    private Series register(String method, int code) {
      String[] tags = {"method", method, "code", Integer.toString(code), "route", route};
      Timer time = Timer.builder(Meters.HTTP_RESPONSE_TIME).description("Request processing time").tags(tags)
          .register(registry);
      FunctionCounter.builder(REQUESTS, time, Timer::count).description("Number of processed requests").tags(tags)
          .register(registry);
      return new Series(method, code, time);
    }
  }

  private record Series(String method, int code, Timer time) {
  }

  /** One request on its way: its method, when it began, and the routes vert.x-web matched. */
  static final class Request {
    private final String method;
    private final long startNanos;
    private String route = "";
    private boolean finished;

    Request(String method, long startNanos) {
      this.method = method;
      this.startNanos = startNanos;
    }

    /**
     * A route matched. Its pattern ({@code /hello}, never the raw path) is the label; routes of
     * nested routers join with {@code >} as in Vert.x's module, except that the same pattern
     * matched twice in a row (a handler route and the job's on one path) counts once.
     */
    void routed(String name) {
      if (name == null || name.isEmpty() || route.equals(name)) {
        return;
      }
      if (route.isEmpty()) {
        route = name;
      } else if (!route.endsWith(">" + name)) {
        route = route + ">" + name;
      }
    }

    /** True the first time: a request ends once, by its answer or by its reset. */
    boolean finish() {
      if (finished) {
        return false;
      }
      finished = true;
      return true;
    }
  }
}
