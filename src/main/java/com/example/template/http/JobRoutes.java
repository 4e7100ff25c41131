package com.example.template.http;

import com.example.template.api.JobClient;
import com.example.template.api.JobRoute;
import com.example.template.metrics.JobOutcomes;
import com.example.template.work.InFlightLimit;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The job routes, one per job that has a {@link JobRoute}: parse the HTTP request into the job's JSON, send it over the event bus
 * (request/reply: the counterpart of {@code postMessage}/{@code onMessage}) and answer with the
 * reply. Validation of the job's fields is the job's own, so HTTP, cluster and bridge callers
 * all get the same answer for the same mistake.
 */
final class JobRoutes {

  private final JobClient jobs;
  private final InFlightLimit inFlight;
  private final JobOutcomes outcomes;

  JobRoutes(JobClient jobs, InFlightLimit inFlight, JobOutcomes outcomes) {
    this.jobs = jobs;
    this.inFlight = inFlight;
    this.outcomes = outcomes;
  }

  /**
   * Serves a job's route: the request id first, then the JSON the job takes (query parameters,
   * or the body within {@code maxBodyBytes}), then the job.
   */
  void mount(Router router, String address, JobRoute route, long maxBodyBytes) {
    router.route(route.method(), route.path()).handler(RequestIds::assign);
    // A route of its own: vert.x-web takes a body handler only first on its route.
    Route http = router.route(route.method(), route.path());
    if (route.takesBody()) {
      http.handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(ctx -> fromBody(ctx, address));
    } else {
      http.handler(ctx -> fromQuery(ctx, address, route.wholeNumbers()));
    }
  }

  private void fromQuery(RoutingContext ctx, String address, List<String> wholeNumbers) {
    JsonObject job = new JsonObject();
    for (String name : wholeNumbers) {
      Long value = Params.requiredLong(ctx, name);
      if (value == null) {
        return;
      }
      job.put(name, value);
    }
    send(ctx, address, job);
  }

  private void fromBody(RoutingContext ctx, String address) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      Failures.send(ctx, 400, "the body must be a JSON object");
      return;
    }
    if (body == null) {
      Failures.send(ctx, 400, "the body must be a JSON object");
      return;
    }
    send(ctx, address, body);
  }

  // A client that goes away before its answer (closes the connection, resets the HTTP/2 stream)
  // cancels its job: it never starts if it was still queued, and a running job is asked to stop.
  // Without this, 300 requests closed after 0.5 s made the next real job wait 30 s for a 504.
  // The permit is held until the node has let go of the job, so the bound stays true.
  private void send(RoutingContext ctx, String address, JsonObject job) {
    if (!inFlight.tryAcquire()) {
      outcomes.refused(address);
      Failures.overloaded(ctx, "too many jobs in flight, retry shortly");
      return;
    }
    Promise<Void> abandoned = Promise.promise();
    ctx.addEndHandler(ended -> {
      if (ended.failed()) {
        abandoned.tryComplete();
      }
    });
    jobs.request(address, job, RequestIds.of(ctx), abandoned.future())
        .andThen(ar -> inFlight.release())
        .andThen(ar -> outcomes.record(address, ar))
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(ctx::fail);
  }
}
