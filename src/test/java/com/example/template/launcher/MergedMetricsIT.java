package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One scrape target for the host: a launcher's {@code /metrics} carries each online child's
 * series, labelled with its name, and its own; their request counts add up to the requests sent;
 * a child killed with {@code kill -9} is absent from then on, and its replacement appears once
 * it is online.
 */
class MergedMetricsIT {

  private static final Pattern METRICS_LINE = Pattern.compile("launcher metrics: http://[^ ]+:(\\d+)/metrics");
  private static final Pattern HELLO_COUNT = Pattern.compile(
      "(?m)^vertx_http_server_requests_total\\{child=\"(app-[^\"]+)\"(?=[^}]*route=\"/hello\")[^}]*} (\\S+)$");
  private static final int REQUESTS = 40;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theLaunchersMetricsCarryEveryOnlineChildAndNoOther() throws Exception {
    ClusterFixture cluster = new ClusterFixture(new JsonObject()
        .put("management", new JsonObject().put("enabled", true)));
    try (JarProcess launcher = cluster.launch(2)) {
      launcher.awaitLines(ClusterFixture.ONLINE, 2, Duration.ofSeconds(90));
      int metricsPort = Integer.parseInt(launcher.awaitLine(METRICS_LINE, Duration.ofSeconds(30)).group(1));
      for (int i = 0; i < REQUESTS; i++) {
        HttpResponse<String> hello = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + "/hello"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);
      }

      String merged = scrapeUntil(metricsPort, text -> helloCounts(text).values().stream().mapToDouble(d -> d).sum() >= REQUESTS);

      // monit's columns from the children's meters: a p99 while requests come, the workers' use.
      JsonObject withP99 = null;
      for (int round = 0; round < 60 && withP99 == null; round++) {
        for (int i = 0; i < 10; i++) {
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + "/hello")).build(),
              HttpResponse.BodyHandlers.discarding());
        }
        withP99 = cluster.children().stream().map(JsonObject.class::cast)
            .filter(child -> child.containsKey("p99Ms")).findFirst().orElse(null);
      }
      assertThat(withP99).as("a child reports its p99 while it serves").isNotNull();
      assertThat(withP99.getDouble("p99Ms")).isPositive().isLessThanOrEqualTo(30_000.0);
      assertThat(withP99.getString("workerUse")).matches("0/\\d+");
      assertThat(helloCounts(merged).values().stream().mapToDouble(d -> d).sum())
          .as("the children's /hello counts add up to the requests sent").isEqualTo(REQUESTS);
      assertThat(merged).contains("child=\"app-1.1\"", "child=\"app-2.1\"")
          .containsPattern("(?m)^jvm_memory_used_bytes\\{child=\"launcher\"")
          .containsPattern("(?m)^app_event_loop_delay_seconds_count\\{child=\"app-2\\.1\"");
      assertThat(merged.lines().filter(line -> line.startsWith("# TYPE vertx_http_server_requests_total ")))
          .as("one TYPE line per family").hasSize(1);

      long killed = cluster.child(1).getLong("pid");
      int mark = launcher.lineCount();
      JarProcess.signal(killed, "KILL");
      String withoutIt = scrapeUntil(metricsPort, text -> !text.contains("child=\"app-1.1\""));
      assertThat(withoutIt).doesNotContain("child=\"app-1.1\"").contains("child=\"app-2.1\"");

      launcher.awaitLineAfter(mark, Pattern.compile("app-1\\.2 online"), Duration.ofSeconds(90));
      String back = scrapeUntil(metricsPort, text -> text.contains("child=\"app-1.2\""));
      assertThat(back).contains("child=\"app-1.2\"", "child=\"app-2.1\"").doesNotContain("child=\"app-1.1\"");
    }
  }

  private static Map<String, Double> helloCounts(String scrape) {
    Map<String, Double> counts = new TreeMap<>();
    Matcher matcher = HELLO_COUNT.matcher(scrape);
    while (matcher.find()) {
      counts.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
    }
    return counts;
  }

  // Scrapes until the condition holds, for at most 30 s; returns the last scrape.
  private String scrapeUntil(int port, Predicate<String> condition) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    String text;
    do {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      text = response.body();
    } while (!condition.test(text) && System.currentTimeMillis() < deadline);
    return text;
  }
}
