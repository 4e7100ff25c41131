package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The built jar as a user runs it: one JVM that starts, says where it listens, answers, and on
 * SIGTERM finishes what it accepted before it exits 0.
 */
class NodeProcessIT {

  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(20);

  /** The one startup line: name, port, HTTP instances, per-core note, workers, transport. */
  private static final Pattern READY = Pattern.compile(
      "node (\\S+) ready: http 0\\.0\\.0\\.0:(\\d+), (\\d+) HTTP instance\\(s\\)( \\(one per core\\))?, "
          + "(\\d+) worker\\(s\\), transport (\\w+)");

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @Test
  void startsOnePerCoreOnEpollSaysWhereItListensAndStopsCleanlyOnSigterm() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    try (JarProcess app = JarProcess.start()) {
      MatchResult ready = app.awaitLine(READY, START);
      int port = Integer.parseInt(ready.group(2));

      assertThat(ready.group(1)).isEqualTo("node-" + app.pid());
      assertThat(port).as("HTTP_PORT=0 gives a free port").isPositive().isNotEqualTo(8080);
      assertThat(Integer.parseInt(ready.group(3))).as("HTTP instances").isEqualTo(cores);
      assertThat(ready.group(4)).as("says the count is one per core").isNotNull();
      assertThat(Integer.parseInt(ready.group(5))).as("workers").isEqualTo(cores);
      assertThat(ready.group(6)).as("transport").isEqualTo("epoll");

      HttpResponse<String> hello = get(port, "/hello");
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.body()).isEqualTo("Hi there");

      app.signal("TERM");
      assertThat(app.awaitExit(STOP)).as(app.output()).isZero();
      assertThat(app.stdout()).as(app.output()).anyMatch(line -> line.contains("drained"));
      assertThat(app.stderr()).as("a clean run says nothing on stderr").isEmpty();
    }
  }

  @Test
  void sigtermLetsARequestInFlightFinishWithItsFullAnswerThenExitsZero() throws Exception {
    long jobMs = 1_500;
    // maxInFlight 1 makes "the job is in flight" visible from outside: a second job gets a 503.
    try (JarProcess app = JarProcess.start("-instances", "1", "-conf", "{\"jobs\": {\"maxInFlight\": 1}}")) {
      MatchResult ready = app.awaitLine(READY, START);
      int port = Integer.parseInt(ready.group(2));
      assertThat(Integer.parseInt(ready.group(3))).as("-instances 1").isEqualTo(1);
      assertThat(ready.group(4)).isNull();

      CompletableFuture<String> job = sendWhenInFlight(port, "/work/busy?ms=" + jobMs);
      app.signal("TERM");

      String answer = job.get(STOP.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(answer).as("the answer to the request in flight").startsWith("HTTP/1.1 200 ");
      JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(body.getLong("ms")).isEqualTo(jobMs);
      assertThat(body.getLong("elapsedMs")).isGreaterThanOrEqualTo(jobMs);

      assertThat(app.awaitExit(STOP)).as(app.output()).isZero();
      assertThat(app.stdout()).anyMatch(line -> line.contains("draining"));
      assertThat(app.stdout()).anyMatch(line -> line.contains("drained"));
    }
  }

  /**
   * Sends the job and returns once the node holds it in flight, known by a probe job being
   * refused with 503 (the bound is 1). Should a probe win the one permit first and the job be the
   * one refused, the job is sent again.
   */
  private CompletableFuture<String> sendWhenInFlight(int port, String path) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    CompletableFuture<String> job = rawGet(port, path);
    while (System.nanoTime() < deadline) {
      if (job.isDone() && job.get().startsWith("HTTP/1.1 503 ")) {
        job = rawGet(port, path);
      }
      HttpResponse<String> probe = get(port, "/work/busy?ms=0");
      if (probe.statusCode() == 503 && !job.isDone()) {
        return job;
      }
      assertThat(probe.statusCode()).as(probe.body()).isIn(200, 503);
    }
    throw new AssertionError("the job never showed as in flight");
  }

  /**
   * One GET on a socket of its own, answered as the raw HTTP text. Unlike an HTTP client
   * library, it never retries quietly on a new connection, so a request the node cut shows as cut.
   */
  private static CompletableFuture<String> rawGet(int port, String path) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout((int) STOP.toMillis());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (answer.isEmpty()) {
          throw new AssertionError("the node closed the connection without an answer");
        }
        return answer;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, task -> new Thread(task, "raw-get " + path).start());
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(request(port, path), BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .build();
  }
}
