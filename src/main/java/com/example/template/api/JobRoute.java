package com.example.template.api;

import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * How an HTTP request becomes a job's JSON: {@code GET} with query parameters, each a required
 * whole number ({@code GET /work/busy?ms=200} → {@code {"ms": 200}}), or {@code POST} with the
 * JSON object body as it is. The job checks the values, as for any other caller.
 *
 * @param wholeNumbers the query parameters of a {@code GET} route; empty for a JSON body
 */
public record JobRoute(HttpMethod method, String path, List<String> wholeNumbers) {

  public JobRoute {
    wholeNumbers = List.copyOf(wholeNumbers);
  }

  /** {@code GET path?name=N&...}: each named query parameter is a required whole number. */
  public static JobRoute query(String path, String... wholeNumbers) {
    return new JobRoute(HttpMethod.GET, path, List.of(wholeNumbers));
  }

  /** {@code POST path} with a JSON object body, passed to the job as it is. */
  public static JobRoute jsonBody(String path) {
    return new JobRoute(HttpMethod.POST, path, List.of());
  }

  /** Whether the job's JSON is the request body (else it is made of the query parameters). */
  public boolean takesBody() {
    return method == HttpMethod.POST;
  }
}
