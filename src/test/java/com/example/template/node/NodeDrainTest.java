package com.example.template.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What clients see while a node drains: it stops being ready, keep-alive clients are told to
 * leave on an answer (not on a reset), and work already accepted still gets its answer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, timeUnit = TimeUnit.SECONDS)
class NodeDrainTest {

  /**
   * A close window far longer than the test's timeout: a drain that ends in time did not wait it
   * out, it saw the last client leave.
   */
  private static final String LONG_WINDOW = """
      {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
       "drain": {"graceMs": 5000, "closeWindowMs": 60000}}""";

  @Test
  void readinessTurnsDownAsSoonAsTheDrainStarts(Vertx vertx, VertxTestContext ctx) {
    Checkpoint readyBefore = ctx.checkpoint();
    Checkpoint notReadyDuring = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();

    // A short close window: a pooled client may leave an idle keep-alive connection behind,
    // which the drain rightly waits for until the window closes.
    String config = """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "drain": {"graceMs": 5000, "closeWindowMs": 500}}""";

    TestNodes.deploy(vertx, config).onComplete(ctx.succeeding(node -> {
      // One connection at most: a draining node refuses new connections (the other children
      // sharing its port take them), so the probe during the drain goes on the first one's.
      WebClient client = WebClient.create(vertx, new WebClientOptions()
              .setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
          new PoolOptions().setHttp1MaxSize(1));
      client.get("/health/ready").send()
          .compose(before -> {
            ctx.verify(() -> assertThat(before.statusCode()).isEqualTo(200));
            readyBefore.flag();
            node.drain().onComplete(ctx.succeeding(v -> drained.flag()));
            return client.get("/health/ready").send();
          })
          .onComplete(ctx.succeeding(during -> ctx.verify(() -> {
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(during.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
            assertThat(TestNodes.readinessCheck(during.bodyAsJsonObject()).getJsonObject("data"))
                .isEqualTo(new JsonObject().put("phase", "DRAINING"));
            notReadyDuring.flag();
          })));
    }));
  }

  @Test
  void aKeepAliveClientGetsConnectionCloseAndLeavesOnAnAnswer(Vertx vertx, VertxTestContext ctx) {
    Checkpoint keptAlive = ctx.checkpoint();
    Checkpoint toldToClose = ctx.checkpoint();
    Checkpoint closedByServer = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();
    Checkpoint noLongerListening = ctx.checkpoint();

    TestNodes.deploy(vertx, LONG_WINDOW).onComplete(ctx.succeeding(node -> {
      HttpClientAgent client = oneKeptConnection(vertx, node);
      hello(client)
          .compose(first -> {
            ctx.verify(() -> {
              assertThat(first.status()).isEqualTo(200);
              assertThat(first.connectionHeader()).as("a ready node keeps the connection").isNull();
            });
            keptAlive.flag();
            first.connection().closeHandler(v -> closedByServer.flag());
            node.drain()
                .onComplete(ctx.succeeding(v -> {
                  drained.flag();
                  hello(client).onComplete(ctx.failing(refused -> noLongerListening.flag()));
                }));
            return sendingClientsAway(vertx, node).compose(away -> hello(client)).map(second -> {
              ctx.verify(() -> {
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.body()).isEqualTo("Hi there");
                assertThat(second.connectionHeader()).isEqualToIgnoringCase("close");
                assertThat(second.connection().localAddress()).as("the same keep-alive connection")
                    .isEqualTo(first.connection().localAddress());
              });
              toldToClose.flag();
              return second;
            });
          })
          .onFailure(ctx::failNow);
    }));
  }

  /**
   * A client told to close reconnects at once. Told while the draining node still listened, its
   * new connection could land in that listener's accept queue just as it closed, and Linux resets
   * those: so no answer says {@code Connection: close} before the port refuses connections.
   */
  @Test
  void noAnswerSendsAClientAwayWhileTheListenerStillAcceptsConnections(Vertx vertx, VertxTestContext ctx) {
    Checkpoint sentAway = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();

    TestNodes.deploy(vertx, LONG_WINDOW).onComplete(ctx.succeeding(node -> {
      HttpClientAgent client = oneKeptConnection(vertx, node);
      hello(client).onComplete(ctx.succeeding(first -> {
        // Vert.x closes a listener on its acceptor thread. Held busy here for a while, it keeps
        // the listener open well after the drain started, as a busy machine may.
        CountDownLatch release = new CountDownLatch(1);
        ((VertxInternal) vertx).acceptorEventLoopGroup().next().execute(() -> {
          try {
            release.await(300, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        node.drain().onComplete(ctx.succeeding(v -> drained.flag()));
        // Asked again and again on the kept connection: the answer that first says close must
        // find the port already closed.
        askUntilSentAway(vertx, client, node).onComplete(ctx.succeeding(portThen -> {
          release.countDown();
          ctx.verify(() -> assertThat(portThen).as("the port when an answer first said close").isEqualTo("refused"));
          sentAway.flag();
        }));
      }));
    }));
  }

  /** HTTP/2 has no Connection header: a draining node answers, then ends the connection (GOAWAY). */
  @Test
  void anH2cClientIsAnsweredAndThenLetGo(Vertx vertx, VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint closedByServer = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();
    String config = """
        {"http": {"port": 0, "instances": 1, "h2c": true}, "jobs": {"workers": 1},
         "drain": {"graceMs": 5000, "closeWindowMs": 60000}}""";

    TestNodes.deploy(vertx, config).onComplete(ctx.succeeding(node -> {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
          .setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
      hello(client)
          .compose(first -> {
            first.connection().closeHandler(v -> closedByServer.flag());
            node.drain().onComplete(ctx.succeeding(v -> drained.flag()));
            return sendingClientsAway(vertx, node).compose(away -> hello(client)).map(second -> {
              ctx.verify(() -> {
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.connection()).as("the same HTTP/2 connection").isSameAs(first.connection());
              });
              answered.flag();
              return second;
            });
          })
          .onFailure(ctx::failNow);
    }));
  }

  /** A raw socket that never closes on its own: the server must be the one to close it. */
  @Test
  void aClientThatIgnoresConnectionCloseIsDisconnectedByTheServer(Vertx vertx, VertxTestContext ctx) {
    Checkpoint firstAnswered = ctx.checkpoint();
    Checkpoint closedByServer = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();
    String request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    TestNodes.deploy(vertx, LONG_WINDOW).onComplete(ctx.succeeding(node -> vertx.createNetClient()
        .connect(node.httpPort(), "127.0.0.1")
        .onComplete(ctx.succeeding(socket -> {
          Buffer received = Buffer.buffer();
          AtomicBoolean draining = new AtomicBoolean();
          socket.handler(chunk -> {
            received.appendBuffer(chunk);
            if (answers(received) == 1 && draining.compareAndSet(false, true)) {
              ctx.verify(() -> assertThat(received.toString().toLowerCase()).doesNotContain("connection: close"));
              firstAnswered.flag();
              node.drain().onComplete(ctx.succeeding(v -> drained.flag()));
              sendingClientsAway(vertx, node).onComplete(ctx.succeeding(away -> socket.write(request)));
            }
          });
          socket.closeHandler(v -> ctx.verify(() -> {
            String text = received.toString();
            assertThat(answers(received)).as("both requests answered before the close: %s", text).isEqualTo(2);
            String second = text.substring(text.indexOf("Hi there") + "Hi there".length());
            assertThat(second).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close");
            closedByServer.flag();
          }));
          socket.write(request);
        }))));
  }

  @Test
  void aJobInFlightWhenTheDrainStartsStillGetsItsAnswer(Vertx vertx, VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint drained = ctx.checkpoint();
    String config = """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1},
         "drain": {"graceMs": 5000, "closeWindowMs": 100}}""";

    TestNodes.deploy(vertx, config).onComplete(ctx.succeeding(node -> {
      Future<HttpResponse<Buffer>> job = TestNodes.client(vertx, node).get("/work/busy?ms=500").send();
      TestNodes.eventually(vertx, () -> node.inFlight().inFlight() == 1, 2_000)
          .onComplete(ctx.succeeding(inFlight -> {
            Future<Void> drain = node.drain();
            job.onComplete(ctx.succeeding(response -> ctx.verify(() -> {
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(response.bodyAsJsonObject().getLong("ms")).isEqualTo(500);
              answered.flag();
            })));
            // The drain may end between the node writing the answer and the client reading it,
            // never before the node has had the job's answer.
            drain.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
              assertThat(node.inFlight().inFlight()).as("jobs still in flight when drained").isZero();
              drained.flag();
            })));
          }));
    }));
  }

  /**
   * SIGTERM's handler runs on a thread of its own, not on Vert.x: a drain started from such a
   * thread with no connection open must end, every time (it is a race, hence the repetitions).
   */
  @RepeatedTest(10)
  void aDrainStartedOutsideVertxWithNoConnectionOpenEnds(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, LONG_WINDOW).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    CompletableFuture<Void> drained = node.drain().toCompletionStage().toCompletableFuture();

    assertThat(drained).as("drain from a non-Vert.x thread with no connection open")
        .succeedsWithin(Duration.ofSeconds(3));
  }

  /** A keep-alive client of one connection at most: every request goes on the first one's connection. */
  private static HttpClientAgent oneKeptConnection(Vertx vertx, Node node) {
    return vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
        new PoolOptions().setHttp1MaxSize(1));
  }

  // Completes with "refused" or "accepting": the node's port when the first answer saying close arrived.
  private static Future<String> askUntilSentAway(Vertx vertx, HttpClientAgent client, Node node) {
    return hello(client).compose(answer -> answer.connectionHeader() == null
        ? askUntilSentAway(vertx, client, node)
        : vertx.executeBlocking(() -> accepting(node.httpPort()) ? "accepting" : "refused"));
  }

  /**
   * Completes once the draining node sends clients away, which it does only after its listener
   * closed. Not the refused port: the node learns of the close a moment after the kernel, and a
   * request answered in that moment keeps its connection.
   */
  private static Future<Void> sendingClientsAway(Vertx vertx, Node node) {
    return TestNodes.eventually(vertx, () -> node.state().sendingClientsAway(), 2_000);
  }

  // A connect on loopback is answered at once, accepted or refused; a probe the node accepted is
  // closed at once and so does not hold up the drain.
  private static boolean accepting(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** One GET /hello as a keep-alive client sees it: the connection it went on and the answer. */
  private record Answer(HttpConnection connection, int status, String connectionHeader, String body) {
  }

  private static int answers(Buffer received) {
    return received.toString().split("Hi there", -1).length - 1;
  }

  private static Future<Answer> hello(HttpClientAgent client) {
    return client.request(HttpMethod.GET, "/hello").compose(request -> request.send()
        .compose(response -> response.body().map(body -> new Answer(
            request.connection(), response.statusCode(), response.getHeader("Connection"), body.toString()))));
  }
}
