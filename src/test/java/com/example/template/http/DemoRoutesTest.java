package com.example.template.http;

import static com.example.template.http.RoutesTest.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /demo/block}, the seed's mistake kept on purpose: off unless switched on, and when on it
 * teaches what the README says it does, with the README's own numbers. Every test of the demo is
 * here, so deleting the demo deletes this class with it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoRoutesTest {

  private static final Path README = Path.of("README.md");
  private static final String ON = """
      {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1}, "demo": {"blockRouteEnabled": true}}""";

  @Test
  void itIsOffInTheShippedConfig(Vertx vertx) throws Exception {
    AppConfig shipped = new ConfigLoader(Path.of(".")).load(null, Map.of(), new JsonObject());
    assertThat(shipped.demo().blockRouteEnabled()).isFalse();
    assertThat(shipped.demo().maxMs()).isLessThan(shipped.jobs().maxBusyMs());

    Node node = TestNodes.deploy(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1}}""").await(20, TimeUnit.SECONDS);
    assertJsonError(TestNodes.client(vertx, node).get("/demo/block?ms=1").send().await(10, TimeUnit.SECONDS),
        404, "no route for /demo/block");
  }

  @Test
  void switchedOnItRunsTheBusyLoopOnTheEventLoop(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, ON).await(20, TimeUnit.SECONDS);

    JsonObject body = TestNodes.client(vertx, node).get("/demo/block?ms=10").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject();

    assertThat(body.getLong("ms")).isEqualTo(10);
    assertThat(body.getLong("elapsedMs")).isGreaterThanOrEqualTo(10);
    assertThat(body.getString("thread")).contains("eventloop");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /demo/block          | 400 | query parameter 'ms' is required
      /demo/block?ms=soon  | 400 | query parameter 'ms' must be an integer
      /demo/block?ms=-5    | 400 | 'ms' must be an integer between 0 and 5000
      /demo/block?ms=5001  | 400 | 'ms' must be an integer between 0 and 5000
      """)
  void itAcceptsNoMoreThanDemoMaxMs(String uri, int status, String error, Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, ON).await(20, TimeUnit.SECONDS);
    WebClient client = TestNodes.client(vertx, node);

    assertJsonError(client.get(uri).send().await(10, TimeUnit.SECONDS), status, error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"demo":{"blockRouteEnabled":"yes"}} | config: 'demo.blockRouteEnabled' must be true or false
      {"demo":{"maxMs":-1}}                | config: 'demo.maxMs' must be between 0 and
      """)
  void aBadDemoConfigIsOneLine(String json, String error) {
    assertThatThrownBy(() -> TestNodes.config(json)).isInstanceOf(ConfigException.class).hasMessageStartingWith(error);
  }

  /**
   * The README's lesson, run as written: its command's {@code -instances} and {@code -conf}, its
   * requests sent at once, and each answer within a tolerance of the time the README shows.
   */
  @Test
  void theReadmesLessonHoldsWithItsOwnNumbers(Vertx vertx) throws Exception {
    Lesson lesson = Lesson.fromReadme();
    JsonObject config = new JsonObject(lesson.conf)
        .mergeIn(new JsonObject().put("http", new JsonObject().put("port", 0).put("instances", lesson.instances)), true);
    Node node = TestNodes.deploy(vertx, config.encode()).await(20, TimeUnit.SECONDS);
    // The JDK's client, on threads of its own: a client on the node's event loop would wait too.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + lesson.path);
    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/demo/block?ms=0")).build(),
        HttpResponse.BodyHandlers.discarding());

    long started = System.nanoTime();
    List<CompletableFuture<Long>> answers = new ArrayList<>();
    for (int i = 0; i < lesson.requests; i++) {
      answers.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return System.nanoTime() - started;
          }));
    }
    List<Double> seconds = answers.stream().map(CompletableFuture::join).sorted().map(nanos -> nanos / 1e9).toList();

    assertThat(seconds).hasSameSizeAs(lesson.claimedSeconds);
    for (int i = 0; i < seconds.size(); i++) {
      double claimed = lesson.claimedSeconds.get(i);
      assertThat(seconds.get(i)).as("answer %d of %s, the README says %.2fs", i + 1, seconds, claimed)
          .isBetween(claimed * 0.95, claimed * 1.25);
    }
  }

  /** The demo block of the README: between its markers, one command, one loop of curls, their output. */
  private record Lesson(int instances, String conf, String path, int requests, List<Double> claimedSeconds) {

    private static final Pattern COMMAND = Pattern.compile("bin/run\\.sh -instances (\\d+) -conf '(\\{[^']*\\})'");
    private static final Pattern CURLS = Pattern.compile("for i in ([\\d ]+); do curl [^\\n]*'localhost:8080(/demo/block\\?ms=\\d+)'");
    private static final Pattern MARKED = Pattern.compile("(?s)<!-- demo -->(.*?)<!-- /demo -->");
    private static final Pattern TIME = Pattern.compile("(?m)^(\\d+\\.\\d+)s$");

    static Lesson fromReadme() throws IOException {
      String readme = Files.readString(README);
      // The lesson is the marked block that holds the command (other marks hold one-line mentions).
      String block = MARKED.matcher(readme).results().map(m -> m.group(1))
          .filter(text -> COMMAND.matcher(text).find())
          .findFirst().orElse("");
      Matcher command = find(COMMAND, block);
      Matcher curls = find(CURLS, block);
      List<Double> claimed = TIME.matcher(block).results().map(m -> Double.parseDouble(m.group(1))).toList();
      return new Lesson(Integer.parseInt(command.group(1)), command.group(2), curls.group(2),
          curls.group(1).trim().split(" +").length, claimed);
    }

    private static Matcher find(Pattern pattern, String text) {
      Matcher matcher = pattern.matcher(text);
      assertThat(matcher.find()).as("the README's demo block has /%s/", pattern).isTrue();
      return matcher;
    }
  }
}
