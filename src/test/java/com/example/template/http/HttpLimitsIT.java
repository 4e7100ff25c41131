package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The HTTP limits on the real jar, as an attacker meets them: a slowloris head and an idle
 * keep-alive connection are cut at their timeouts, and a request abandoned while its job waits in
 * the queue takes the job with it, so the next real job answers promptly.
 */
class HttpLimitsIT {

  private static final long HEAD_MS = 800;
  private static final long IDLE_MS = 1_200;
  private static final String CONF = """
      {"http": {"headTimeoutMs": %d, "idleTimeoutMs": %d, "bodyTimeoutMs": 800},
       "jobs": {"workers": 1, "timeoutMs": 30000}}""".formatted(HEAD_MS, IDLE_MS);

  @Test
  void slowAndIdleConnectionsAreCutAndAnAbandonedJobNeverRuns() throws Exception {
    try (JarProcess node = JarProcess.start("-instances", "1", "-conf", CONF)) {
      int port = node.awaitHttpPort(Duration.ofSeconds(60));

      try (RawConnection slowloris = new RawConnection(port); RawConnection idle = new RawConnection(port)) {
        idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(idle.awaitReceived("Hi there", Duration.ofSeconds(10))).isTrue();
        long answeredMs = idle.ageMs();

        assertThat(slowloris.trickle("GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: " + "a".repeat(40) + "\r\n\r\n",
            Duration.ofMillis(100))).as("slowloris cut before its head was complete").isTrue();
        assertThat(slowloris.ageMs()).isBetween(HEAD_MS, 2 * HEAD_MS + 500);
        assertThat(idle.awaitClose(Duration.ofSeconds(10))).isTrue();
        assertThat(idle.ageMs() - answeredMs).isBetween(IDLE_MS - 100, 2 * IDLE_MS + 500);
      }

      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      var holder = client.sendAsync(get(port, "/work/busy?ms=3000"), HttpResponse.BodyHandlers.ofString());
      try (RawConnection leaving = new RawConnection(port)) {
        leaving.send("GET /work/busy?ms=20000 HTTP/1.1\r\nHost: a\r\n\r\n");
        // Queued behind the holder: nothing comes back, and the client leaves.
        assertThat(leaving.awaitClose(Duration.ofMillis(500))).isFalse();
      }
      long sent = System.nanoTime();

      HttpResponse<String> next = client.send(get(port, "/work/busy?ms=0"), HttpResponse.BodyHandlers.ofString());

      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("waited for the holder only, never for the 20 s job")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(holder.join().statusCode()).isEqualTo(200);
    }
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(40)).build();
  }
}
