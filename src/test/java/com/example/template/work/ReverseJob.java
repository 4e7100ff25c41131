package com.example.template.work;

import com.example.template.api.Job;
import com.example.template.api.JobException;
import com.example.template.api.JobRoute;
import com.google.auto.service.AutoService;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@value #ADDRESS}: the job the README's "Add a job" steps write, kept in the tests so that
 * {@link NewJobTest} proves those steps are all it takes. {@code POST /work/reverse} with
 * {@code {"text": string}} → {@code {"reversed"}}. Not marked repeatable, to show the default a
 * job with side effects would choose.
 */
@AutoService(Job.class)
public final class ReverseJob implements Job {

  public static final String ADDRESS = "work.reverse";
  static final int MAX_LENGTH = 100;

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public boolean repeatable() {
    return false;
  }

  @Override
  public Optional<JobRoute> route() {
    return Optional.of(JobRoute.jsonBody("/work/reverse"));
  }

  @Override
  public JsonObject run(JsonObject request, BooleanSupplier cancelled) throws JobException {
    String text = JobRequests.requiredString(request, "text", MAX_LENGTH);
    return new JsonObject().put("reversed", new StringBuilder(text).reverse().toString());
  }
}
