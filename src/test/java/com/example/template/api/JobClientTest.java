package com.example.template.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link JobClient} over members this test makes up, on one Vert.x: what it does when a member
 * leaves between the choice of nodes and the send.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class JobClientTest {

  private static final String ONCE = "test.once";

  @Test
  void aJobIsNeverSentToANodeThatLeftAfterTheRotationWasChosen(Vertx vertx, VertxTestContext ctx) throws Exception {
    List<Consumer<String>> listeners = new ArrayList<>();
    ClusterNodes nodes = new ClusterNodes() {
      @Override
      public String self() {
        return "first";
      }

      @Override
      public List<String> all() {
        return List.of("first", "second");
      }

      @Override
      public void onLeft(Consumer<String> listener) {
        listeners.add(listener);
      }
    };
    // "first" runs no job (NO_HANDLERS), and "second" leaves as the job is on its way to "first":
    // the client then comes to "second" with the rotation it chose before.
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (delivery.message().address().equals(JobApi.nodeAddress(ONCE, "first"))) {
        listeners.forEach(listener -> listener.accept("second"));
      }
      delivery.next();
    });
    List<Object> receivedBySecond = new ArrayList<>();
    String second = JobApi.nodeAddress(ONCE, "second");
    vertx.eventBus().<JsonObject>consumer(second, message -> {
      receivedBySecond.add(message.body());
      if (message.body().containsKey("marker")) {
        ctx.verify(() -> assertThat(receivedBySecond).as("what the departed node received")
            .containsExactly(message.body()));
        ctx.completeNow();
      }
    }).completion().await(10, TimeUnit.SECONDS);

    new JobClient(vertx, nodes, 10_000, 3).request(ONCE, new JsonObject().put("job", 1), null)
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertThat(failure).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) failure).failureCode()).isEqualTo(JobApi.OUTCOME_UNKNOWN);
          // Local delivery keeps the order of sends: if the job had gone out, it arrives first.
          vertx.eventBus().send(second, new JsonObject().put("marker", true));
        })));
  }
}
