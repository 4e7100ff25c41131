package com.example.template.http;

import com.example.template.config.AppConfig;
import com.example.template.work.BusyJob;
import com.example.template.work.BusyLoop;
import com.example.template.api.JobException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /demo/block?ms=N}: the seed's mistake, kept on purpose to show it. It runs the busy
 * loop on the event loop, so every other request on that loop waits: a second concurrent call
 * takes twice as long. Off unless {@code demo.blockRouteEnabled}, and capped at
 * {@code demo.maxMs}: left on, two requests stalled a node, and four made a cluster's children
 * miss their heartbeats. Delete this class (and its line in {@link Routes}) in a real service.
 */
final class DemoRoutes {

  private final long maxMs;

  private DemoRoutes(long maxMs) {
    this.maxMs = maxMs;
  }

  /** Adds the route when the config switches it on. */
  static void mount(Router router, AppConfig.Demo demo) {
    if (demo.blockRouteEnabled()) {
      router.get("/demo/block").handler(new DemoRoutes(demo.maxMs())::block);
    }
  }

  private void block(RoutingContext ctx) {
    Long ms = Params.requiredLong(ctx, "ms");
    if (ms == null) {
      return;
    }
    try {
      BusyJob.requestedMs(new JsonObject().put("ms", ms), maxMs);
    } catch (JobException e) {
      Failures.send(ctx, 400, e.getMessage());
      return;
    }
    long started = System.nanoTime();
    BusyLoop.spin(ms, () -> false); // blocks the event loop: the point of this route
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject()
            .put("ms", ms)
            .put("elapsedMs", (System.nanoTime() - started) / 1_000_000L)
            .put("thread", Thread.currentThread().getName())
            .encode());
  }
}
