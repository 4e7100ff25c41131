package com.example.template.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.node.Node;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import com.example.template.work.BusyJob;

/**
 * The bridge with TLS and client certificates, end to end over real TLS sockets, and the rule that
 * keeps a plain bridge on loopback: off loopback it needs TLS with client certificates, or an
 * explicit {@code bridge.insecure}, which is logged at every start.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BridgeTlsTest {

  private static final JsonObject PING = new JsonObject().put("type", "ping");
  private static final JsonObject PONG = new JsonObject().put("type", "pong");

  /** The bridge's own certificate, the one certificate its clients may show, and another one. */
  private static SelfSignedCertificate bridge;
  private static SelfSignedCertificate client;
  private static SelfSignedCertificate stranger;

  @BeforeAll
  static void makeCertificates() {
    bridge = SelfSignedCertificate.create("localhost");
    client = SelfSignedCertificate.create("orders-service");
    stranger = SelfSignedCertificate.create("orders-service");
  }

  @AfterAll
  static void deleteCertificates() {
    List.of(bridge, client, stranger).forEach(SelfSignedCertificate::delete);
  }

  @Test
  void aClientWithItsCertificateRunsJobsOverTls(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, nodeConfig("127.0.0.1", tls(true))).await(20, TimeUnit.SECONDS);

    try (BridgeSocket caller = tlsClient(vertx, node.bridgePort(), client)) {
      assertThat(caller.request(PING)).isEqualTo(PONG);
      JsonObject reply = caller.request(BusyJob.ADDRESS, new JsonObject().put("ms", 5));
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getJsonObject("body").getLong("ms")).isEqualTo(5);
    }
  }

  @Test
  void aClientWithoutTheRightCertificateOrWithoutTlsGetsNoAnswer(Vertx vertx) throws Exception {
    Node node = TestNodes.deploy(vertx, nodeConfig("127.0.0.1", tls(true))).await(20, TimeUnit.SECONDS);
    int port = node.bridgePort();
    JsonObject job = BridgeSocket.send(BusyJob.ADDRESS, new JsonObject().put("ms", 1));

    assertThatThrownBy(() -> askOnce(tlsClient(vertx, port, null), job)).as("no client certificate")
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> askOnce(tlsClient(vertx, port, stranger), job)).as("a certificate the bridge does not trust")
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> askOnce(new BridgeSocket(port), job)).as("plain TCP")
        .isInstanceOf(UncheckedIOException.class);

    assertThat(askOnce(tlsClient(vertx, port, client), job).getString("type")).as("the right client still is served")
        .isEqualTo("message");
  }

  @Test
  void offLoopbackTheNodeDoesNotStartWithoutTlsAndClientCertificates(Vertx vertx) {
    for (JsonObject tls : new JsonObject[] {null, tls(false)}) {
      assertThatThrownBy(() -> TestNodes.deploy(vertx, nodeConfig("0.0.0.0", tls)).await(20, TimeUnit.SECONDS))
          .as("tls: %s", tls)
          .isInstanceOf(ConfigException.class)
          .hasMessage("config: the bridge on 0.0.0.0:0 is not on loopback, so it needs TLS with client certificates "
              + "(bridge.tls.certFile, bridge.tls.keyFile, bridge.tls.clientCaFile), or bridge.insecure: true");
    }
  }

  @Test
  void offLoopbackWithClientCertificatesTheListenerRequiresThem() {
    NetServerOptions options = BridgeListener.options(bridgeConfig("0.0.0.0", tls(true), false), false);

    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
  }

  @Test
  void insecureOffLoopbackIsAWarningAtEveryStart() {
    Logger log = (Logger) LoggerFactory.getLogger(BridgeListener.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      AppConfig.Bridge insecure = bridgeConfig("0.0.0.0", null, true);
      BridgeListener.options(insecure, false);
      BridgeListener.options(insecure, false);

      assertThat(lines.list).hasSize(2).allSatisfy(line -> {
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getFormattedMessage())
            .isEqualTo("bridge on 0.0.0.0:0 without TLS, as bridge.insecure allows: any host that reaches it can run jobs");
      });
      assertThat(BridgeListener.options(bridgeConfig("127.0.0.1", null, true), false).isSsl())
          .as("on loopback, plain and without a warning").isFalse();
      assertThat(lines.list).hasSize(2);
    } finally {
      log.detachAppender(lines);
    }
  }

  private static JsonObject askOnce(BridgeSocket caller, JsonObject frame) {
    try (caller) {
      return caller.request(frame);
    }
  }

  /** A TLS client that trusts the bridge's certificate and shows {@code keys}, or no certificate. */
  private static BridgeSocket tlsClient(Vertx vertx, int port, SelfSignedCertificate keys) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.keyCertOptions().getKeyManagerFactory(vertx).getKeyManagers(),
          bridge.trustOptions().getTrustManagerFactory(vertx).getTrustManagers(), null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      socket.startHandshake();
      return new BridgeSocket(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject tls(boolean clientCertificates) {
    JsonObject tls = new JsonObject().put("certFile", bridge.certificatePath()).put("keyFile", bridge.privateKeyPath());
    return clientCertificates ? tls.put("clientCaFile", client.certificatePath()) : tls;
  }

  private static String nodeConfig(String host, JsonObject tls) {
    JsonObject bridgeSection = new JsonObject().put("enabled", true).put("host", host).put("port", 0);
    if (tls != null) {
      bridgeSection.put("tls", tls);
    }
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
        .put("jobs", new JsonObject().put("workers", 1))
        .put("bridge", bridgeSection)
        .encode();
  }

  private static AppConfig.Bridge bridgeConfig(String host, JsonObject tls, boolean insecure) {
    JsonObject config = new JsonObject(nodeConfig(host, tls));
    config.getJsonObject("bridge").put("insecure", insecure);
    return TestNodes.config(config.encode()).bridge();
  }
}
