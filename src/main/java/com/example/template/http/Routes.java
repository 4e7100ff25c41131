package com.example.template.http;

import com.example.template.api.Job;
import com.example.template.api.JobClient;
import com.example.template.api.Jobs;
import com.example.template.config.AppConfig;
import com.example.template.lifecycle.ServingState;
import com.example.template.metrics.JobOutcomes;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * The node's HTTP API in one place: the router every HTTP verticle serves, and the seam tests
 * build directly.
 */
public final class Routes {

  // Encoded once: a header value given as a String is encoded to bytes on every response.
  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain; charset=utf-8");

  private Routes() {
  }

  public static Router create(Vertx vertx, AppConfig config, JobClient jobClient, InFlightLimit inFlight,
      ServingState state) {
    Router router = Router.router(vertx);
    JobRoutes jobs = new JobRoutes(jobClient, inFlight, JobOutcomes.of(vertx));

    router.get("/hello").handler(Routes::hello);
    for (Job job : Jobs.all()) {
      job.route().ifPresent(route -> jobs.mount(router, job.address(), route, config.http().maxBodyBytes()));
    }
    DemoRoutes.mount(router, config.demo());
    router.get("/health/live").handler(HealthCheckHandler.create(vertx)
        .register("alive", promise -> promise.complete(Status.OK())));
    router.get("/health/ready").handler(HealthCheckHandler.create(vertx)
        .register("node", promise -> promise.complete(state.ready()
            ? Status.OK()
            : Status.KO(new io.vertx.core.json.JsonObject().put("phase", state.phase().name())))));

    Failures failures = new Failures();
    router.route().failureHandler(failures::handle);
    router.errorHandler(404, ctx -> Failures.send(ctx, 404, "no route for " + ctx.request().path()));
    router.errorHandler(405, ctx -> Failures.send(ctx, 405, "method not allowed on " + ctx.request().path()));
    return router;
  }

  /** The seed's route: answers at once, whatever the workers are doing. */
  private static void hello(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end("Hi there");
  }
}
