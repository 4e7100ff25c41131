package com.example.template.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests no HTTP client library would send, over raw sockets: each gets its status, a JSON
 * error and a closed connection, and one DEBUG line; never a 500, never an ERROR (before, a bad
 * {@code Host} was a 500, and every bad request logged an ERROR with a stack trace).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MalformedRequestsTest {

  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final String BODY = "{\"password\":\"pw\",\"iterations\":1000}";

  private Node node;

  @BeforeEach
  void deployNode(Vertx vertx) throws Exception {
    node = TestNodes.deploy(vertx, """
        {"http": {"port": 0, "instances": 1}, "jobs": {"workers": 1}}""").await(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      a Host that is not host:port     | 400 | the Host header must be host or host:port | GET /hello HTTP/1.1\\r\\nHost: ::::\\r\\n\\r\\n
      an unclosed IPv6 Host            | 400 | the Host header must be host or host:port | GET /hello HTTP/1.1\\r\\nHost: [::1\\r\\n\\r\\n
      no Host in HTTP/1.1              | 400 | the Host header is required               | GET /hello HTTP/1.1\\r\\n\\r\\n
      an unknown transfer coding       | 501 | the only transfer coding accepted is chunked | POST /work/hash HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\nGET /hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
      gzip before chunked              | 501 | the only transfer coding accepted is chunked | POST /work/hash HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n
      Transfer-Encoding in HTTP/1.0    | 400 | HTTP/1.0 has no Transfer-Encoding         | POST /work/hash HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
      a header line without a colon    | 400 | the request is malformed                  | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nbad header\\r\\n\\r\\n
      a Content-Length that is no number | 400 | the request is malformed                | POST /work/hash HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: abc\\r\\n\\r\\n
      two different Content-Lengths    | 400 | the request is malformed                  | POST /work/hash HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\nContent-Length: 3\\r\\n\\r\\n{}
      """)
  void aMalformedRequestGetsItsStatusAndAClosedConnection(String what, int status, String error, String request) {
    try (CapturedLog log = new CapturedLog(MalformedRequests.class); RawConnection client = new RawConnection(node.httpPort())) {
      client.send(unescape(request));

      assertThat(client.awaitClose(ANSWER)).as("the server closed the connection after its answer").isTrue();
      assertThat(client.status()).as("status of %s", client.received()).isEqualTo(status);
      assertThat(bodyOf(client.received())).isEqualTo(new JsonObject().put("error", error));
      assertThat(responses(client.received())).as("one answer only: what followed was never read as a request")
          .isEqualTo(1);
      assertThat(log.await(Level.DEBUG, 1, ANSWER)).as("logged once, at DEBUG").hasSize(1).allSatisfy(line ->
          assertThat(line).startsWith("refused a request from 127.0.0.1:").contains("with " + status));
      assertThat(log.errors()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      a request line over 4096 bytes | 414 | the request line is too long
      headers over 8192 bytes        | 431 | the request headers are too large
      """)
  void anOverlongHeadGetsItsStatusAndAClosedConnection(String what, int status, String error) {
    String head = status == 414
        ? "GET /hello?" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        : "GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n";
    try (CapturedLog log = new CapturedLog(MalformedRequests.class); RawConnection client = new RawConnection(node.httpPort())) {
      client.send(head);

      assertThat(client.awaitClose(ANSWER)).isTrue();
      assertThat(client.status()).as(client.received()).isEqualTo(status);
      assertThat(bodyOf(client.received())).isEqualTo(new JsonObject().put("error", error));
      assertThat(log.await(Level.DEBUG, 1, ANSWER)).hasSize(1);
      assertThat(log.errors()).isEmpty();
    }
  }

  /**
   * Netty drops {@code Content-Length} when {@code Transfer-Encoding: chunked} is also there and
   * reads the chunks, as RFC 9112 allows; the RFC then asks for the connection to close.
   */
  @Test
  void contentLengthWithChunkedIsReadAsChunkedAndTheConnectionCloses() {
    try (CapturedLog log = new CapturedLog(); RawConnection client = new RawConnection(node.httpPort())) {
      client.send("POST /work/hash HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n"
          + "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(client.awaitClose(ANSWER)).isTrue();
      assertThat(client.status()).as("answered by the chunked body: %s", client.received()).isEqualTo(200);
      assertThat(client.received()).contains("\"iterations\":1000").containsIgnoringCase("connection: close");
      assertThat(responses(client.received())).as("the pipelined request after it was never served").isEqualTo(1);
      assertThat(log.errors()).isEmpty();
    }
  }

  /** Vert.x closes the connection the moment a chunk size is unreadable, before any answer. */
  @Test
  void aChunkSizeThatIsNotHexClosesTheConnectionWithoutAnError() {
    try (CapturedLog log = new CapturedLog(Failures.class); RawConnection client = new RawConnection(node.httpPort())) {
      client.send("POST /work/hash HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");

      assertThat(client.awaitClose(ANSWER)).isTrue();
      assertThat(client.received()).isEmpty();
      assertThat(log.await(Level.DEBUG, 1, ANSWER)).hasSize(1).first().asString()
          .startsWith("POST /work/hash answered 400: ").contains("chunk size");
      assertThat(log.errors()).isEmpty();
    }
  }

  @Test
  void aWellFormedChunkedRequestIsAnsweredThenClosed() {
    try (RawConnection client = new RawConnection(node.httpPort())) {
      client.send("POST /work/hash HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n");

      assertThat(client.awaitClose(ANSWER)).isTrue();
      assertThat(client.status()).isEqualTo(200);
    }
  }

  @Test
  void wellFormedRequestsKeepTheirConnection() {
    try (RawConnection client = new RawConnection(node.httpPort())) {
      client.send("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
      assertThat(client.awaitReceived("Hi there", ANSWER)).isTrue();
      client.send("GET /hello HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");

      assertThat(client.awaitReceived("Hi thereHTTP/1.1 200 OK", ANSWER)).as("both answered on one connection").isTrue();
      assertThat(client.awaitReceived("Hi thereHTTP/1.1 200 OK", ANSWER) && client.received().endsWith("Hi there")).isTrue();
      assertThat(client.awaitClose(Duration.ofMillis(200))).as("kept alive").isFalse();
    }
  }

  private static String unescape(String csv) {
    return csv.replace("\\r\\n", "\r\n");
  }

  private static long responses(String received) {
    return Pattern.compile("HTTP/1\\.[01] \\d{3} ").matcher(received).results().count();
  }

  private static JsonObject bodyOf(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }
}
