package com.example.template.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.config.AppConfig;
import com.example.template.node.Node;
import com.example.template.runtime.VertxFactory;
import com.example.template.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator scraping one node sees: after some traffic, its management listener's
 * {@code /metrics} has the HTTP server, event-bus, worker-pool, JVM, job-outcome and event-loop
 * series; the public port has no {@code /metrics}; and every metric the Grafana dashboard queries
 * is in a real scrape.
 */
@ExtendWith(VertxExtension.class)
class NodeMetricsTest {

  private static final Path DASHBOARD = Path.of("docs/grafana-dashboard.json");

  private Vertx nodeVertx;
  private Node node;
  private WebClient client;

  @BeforeEach
  void startNode(Vertx vertx) throws Exception {
    AppConfig config = TestNodes.config("""
        {"http": {"port": 0, "instances": 2}, "jobs": {"workers": 1}, "management": {"enabled": true, "port": 0}}""");
    // Built as the real process builds it: the metrics come with the Vert.x.
    nodeVertx = VertxFactory.standalone(config.management());
    node = await(Node.deploy(nodeVertx, config, TestNodes.NAME));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stopNode() throws Exception {
    await(nodeVertx.close());
  }

  @Test
  void theManagementListenerServesEveryKindOfSeriesAfterTraffic() throws Exception {
    traffic();

    String scrape = scrapeWhen(text -> text.contains("app_event_loop_delay_seconds_count{loop=\"1\""));

    assertThat(scrape).as("HTTP server: requests by route and status, latency buckets")
        .containsPattern(sample("vertx_http_server_requests_total", "code=\"200\"", "route=\"/hello\""))
        .containsPattern(sample("vertx_http_server_response_time_seconds_bucket", "le=\"0.001\"", "route=\"/hello\""));
    assertThat(scrape).as("event bus, by address, the per-node addresses folded")
        .containsPattern(sample("vertx_eventbus_sent_total", "address=\"work.busy\""))
        .containsPattern(sample("vertx_eventbus_handlers", "address=\"work.busy\""));
    assertThat(scrape).as("the jobs' worker pool")
        .containsPattern(sample("vertx_pool_queue_pending", "pool_name=\"jobs\""))
        .containsPattern(sample("vertx_pool_ratio", "pool_name=\"jobs\""));
    assertThat(scrape).as("the JVM")
        .containsPattern(sample("jvm_memory_used_bytes", "area=\"heap\""))
        .contains("jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage");
    assertThat(scrape).as("job outcomes, as the HTTP side saw them")
        .containsPattern(sample("app_jobs_total", "address=\"work.busy\"", "outcome=\"ok\"") + " 2.0")
        .containsPattern(sample("app_jobs_total", "address=\"work.busy\"", "outcome=\"400\"") + " 1.0");
    assertThat(scrape).as("a delay probe per HTTP event loop")
        .containsPattern(sample("app_event_loop_delay_seconds_count", "loop=\"0\""))
        .containsPattern(sample("app_event_loop_delay_seconds_bucket", "loop=\"1\""));
  }

  @Test
  void eachAnswerIsCountedOnceUnderItsRoutePatternAndStatus() throws Exception {
    traffic();
    await(client.get(node.httpPort(), "127.0.0.1", "/no/such/route?x=1").send());

    String scrape = scrapeWhen(text -> text.contains("code=\"404\""));

    String hello = sample("vertx_http_server_requests_total", "method=\"GET\"", "code=\"200\"", "route=\"/hello\"");
    assertThat(scrape).as("every /hello, once")
        .containsPattern(hello + " 20.0")
        .containsPattern(sample("vertx_http_server_response_time_seconds_count", "code=\"200\"", "route=\"/hello\"")
            + " 20$");
    assertThat(scrape).as("a job route under its pattern, once per request, by status")
        .containsPattern(sample("vertx_http_server_requests_total", "code=\"200\"", "route=\"/work/busy\"") + " 2.0")
        .containsPattern(sample("vertx_http_server_requests_total", "code=\"400\"", "route=\"/work/busy\"") + " 1.0");
    assertThat(scrape).as("no route: an empty route label, never the raw path")
        .containsPattern(sample("vertx_http_server_requests_total", "code=\"404\"", "route=\"\"") + " 1.0")
        .doesNotContain("/no/such/route");
    assertThat(scrape).as("in flight: only the scrape that is answering")
        .containsPattern("(?m)^vertx_http_server_active_requests 1.0$");
  }

  @Test
  void thePublicPortHasNoMetrics() throws Exception {
    HttpResponse<Buffer> response = await(client.get(node.httpPort(), "127.0.0.1", "/metrics").send());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(node.managementPort()).isPositive().isNotEqualTo(node.httpPort());
  }

  @Test
  void everyMetricTheDashboardQueriesIsInARealScrape() throws Exception {
    traffic();
    System.gc(); // GC pauses are counted from the first one on; a short test may not have had any
    String scrape = scrapeWhen(text -> text.contains("app_event_loop_delay_seconds_count")
        && text.contains("jvm_gc_pause_seconds_count"));
    Set<String> scraped = scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());

    Set<String> queried = dashboardMetrics();
    assertThat(queried).as("the dashboard queries metrics").hasSizeGreaterThan(8);
    assertThat(scraped).as("metrics in a scrape after /hello and jobs").containsAll(queried);
  }

  // Two jobs that succeed, one refused for its input, and requests to /hello.
  private void traffic() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(await(client.get(node.httpPort(), "127.0.0.1", "/hello").send()).statusCode()).isEqualTo(200);
    }
    for (String ms : List.of("0", "1", "-1")) {
      await(client.get(node.httpPort(), "127.0.0.1", "/work/busy?ms=" + ms).send());
    }
  }

  private String scrapeWhen(java.util.function.Predicate<String> ready) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      HttpResponse<Buffer> response = await(client.get(node.managementPort(), "127.0.0.1", "/metrics").send());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
      String text = response.bodyAsString();
      if (ready.test(text) || System.currentTimeMillis() > deadline) {
        return text;
      }
    }
  }

  /** The metric names in the dashboard's PromQL: identifiers that are not functions, keywords or labels. */
  static Set<String> dashboardMetrics() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b((?:vertx|jvm|process|system|app)_[a-zA-Z0-9_]+)\\b");
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets", new io.vertx.core.json.JsonArray())) {
        String expr = ((JsonObject) target).getString("expr");
        Matcher matcher = metric.matcher(expr.replaceAll("\\{[^}]*}", "{}"));
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
    }
    return names;
  }

  /** A sample line of {@code name} with each label among its labels, in any order. */
  private static String sample(String name, String... labels) {
    StringBuilder pattern = new StringBuilder("(?m)^" + Pattern.quote(name) + "\\{");
    for (String label : labels) {
      pattern.append("(?=[^}]*").append(Pattern.quote(label)).append(")");
    }
    return pattern.append("[^}]*}").toString();
  }

  private static <T> T await(Future<T> future) throws TimeoutException {
    return future.await(20, TimeUnit.SECONDS);
  }
}
