package com.example.template.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The request lifecycle as Vert.x reports it to {@link HttpServerMeters}: each answer counted once
 * under its route pattern and status, a reset counted apart and never as an answer, the in-flight
 * figure back to zero either way, and no label a client can multiply.
 */
class HttpServerMetersTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final HttpServerMeters meters = new HttpServerMeters(registry);

  @Test
  void anAnswerIsCountedOnceUnderItsRoutePatternAndStatus() {
    HttpServerMeters.Request request = meters.requestBegin(null, get("/orders/42"));
    assertThat(activeRequests()).isEqualTo(1);
    meters.requestRouted(request, "/orders/:id");
    meters.requestRouted(request, "/orders/:id"); // a handler route and the job's on one path
    meters.responseEnd(request, status(201), 10);
    meters.responseEnd(request, status(201), 10); // reported twice: still one answer

    assertThat(requests("GET", "201", "/orders/:id")).isEqualTo(1);
    assertThat(registry.get(Meters.HTTP_RESPONSE_TIME).tags("route", "/orders/:id").timer().count()).isEqualTo(1);
    assertThat(activeRequests()).isZero();
  }

  @Test
  void nestedRoutersJoinTheirPatternsAndNoRouteIsAnEmptyLabel() {
    HttpServerMeters.Request nested = meters.requestBegin(null, get("/api/orders"));
    meters.requestRouted(nested, "/api/*");
    meters.requestRouted(nested, "/orders");
    meters.responseEnd(nested, status(200), 10);
    HttpServerMeters.Request unrouted = meters.requestBegin(null, get("/nowhere"));
    meters.responseEnd(unrouted, status(404), 10);

    assertThat(requests("GET", "200", "/api/*>/orders")).isEqualTo(1);
    assertThat(requests("GET", "404", "")).isEqualTo(1);
  }

  @Test
  void aRequestWhoseClientLeftIsAResetNotAnAnswer() {
    HttpServerMeters.Request request = meters.requestBegin(null, get("/work/busy"));
    meters.requestRouted(request, "/work/busy");
    meters.requestReset(request);
    meters.responseEnd(request, status(200), 0);

    assertThat(registry.get("vertx.http.server.request.resets").counter().count()).isEqualTo(1);
    assertThat(registry.find(HttpServerMeters.REQUESTS).functionCounters()).isEmpty();
    assertThat(activeRequests()).isZero();
  }

  @Test
  void aStatusChangeOnARouteGetsItsOwnSeries() {
    for (int status : new int[] {200, 503, 200, 200, 503}) {
      HttpServerMeters.Request request = meters.requestBegin(null, get("/work/busy"));
      meters.requestRouted(request, "/work/busy");
      meters.responseEnd(request, status(status), 10);
    }

    assertThat(requests("GET", "200", "/work/busy")).isEqualTo(3);
    assertThat(requests("GET", "503", "/work/busy")).isEqualTo(2);
  }

  @Test
  void madeUpMethodsShareOneSeriesSoAClientCannotGrowTheRegistry() {
    for (String method : new String[] {"FOO1", "FOO2", "BAR3", "GET"}) {
      HttpServerMeters.Request request = meters.requestBegin(null, request(HttpMethod.valueOf(method), "/hello"));
      meters.responseEnd(request, status(405), 10);
    }

    assertThat(requests(HttpServerMeters.OTHER_METHOD, "405", "")).isEqualTo(3);
    assertThat(requests("GET", "405", "")).isEqualTo(1);
    assertThat(registry.find(HttpServerMeters.REQUESTS).functionCounters()).hasSize(2);
  }

  @Test
  void everyStandardMethodIsNamedAndWebDavsAreNot() {
    for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
      assertThat(HttpServerMeters.label(HttpMethod.valueOf(method))).isEqualTo(method);
    }
    assertThat(HttpServerMeters.label(HttpMethod.PROPFIND)).isEqualTo(HttpServerMeters.OTHER_METHOD);
    assertThat(HttpServerMeters.label(HttpMethod.valueOf("get"))).isEqualTo(HttpServerMeters.OTHER_METHOD);
  }

  private double requests(String method, String code, String route) {
    return registry.get(HttpServerMeters.REQUESTS).tags("method", method, "code", code, "route", route)
        .functionCounter().count();
  }

  private double activeRequests() {
    return registry.get("vertx.http.server.active.requests").gauge().value();
  }

  private static HttpRequest get(String uri) {
    return request(HttpMethod.GET, uri);
  }

  private static HttpRequest request(HttpMethod method, String uri) {
    return new HttpRequest() {
      @Override
      public int id() {
        return 1;
      }

      @Override
      public String uri() {
        return uri;
      }

      @Override
      public String absoluteURI() {
        return "http://localhost" + uri;
      }

      @Override
      public HttpMethod method() {
        return method;
      }

      @Override
      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }

      @Override
      public SocketAddress remoteAddress() {
        return SocketAddress.inetSocketAddress(40000, "127.0.0.1");
      }
    };
  }

  private static HttpResponse status(int code) {
    return new HttpResponse() {
      @Override
      public int statusCode() {
        return code;
      }

      @Override
      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }
    };
  }
}
