package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.api.JobApi;
import com.example.template.security.ClusterIdentity;
import com.example.template.security.SelfSignedCertificate;
import com.example.template.support.JarProcess;
import com.example.template.support.ListeningSockets;
import com.example.template.support.ScratchDirs;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import com.example.template.work.BusyJob;

/**
 * The worst case for a deployment: an outsider knows the cluster name (say it leaked) and joins
 * Hazelcast. Without the event-bus key it still gets nothing done: with a plain event bus, or TLS
 * with a certificate of its own, it can neither deliver a job to a child nor receive one, and a
 * raw TCP or TLS connection to a child's ports gets no message run. The children log every job
 * they run here (DEBUG for the workers), so "never ran it" is something the test reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventBusTlsIT {

  private static final Pattern RAN = Pattern.compile("\\[(app-\\d+\\.\\d+)\\] .*work\\.busy done");
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(3_000);
  // jobs.attemptTimeoutMs of conf/config.json, which the children run with.
  private static final long ATTEMPT_TIMEOUT_MS = 500;

  private ClusterIdentity identity;
  private ClusterFixture cluster;
  private JarProcess launcher;
  private String launcherAddress;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void startCluster() throws Exception {
    Path dir = ScratchDirs.create("tls-it");
    identity = ClusterIdentity.generate("tls-it");
    identity.write(dir.resolve("identity"));
    cluster = new ClusterFixture(new JsonObject()
        .put("cluster", new JsonObject().put("identityDir", dir.resolve("identity").toString()))
        .put("jobs", new JsonObject().put("timeoutMs", 3_000)));
    launcher = cluster.launcher(2).jvmArg("-Dlogback.configurationFile=" + logWorkerJobs(dir)).start();
    launcher.awaitLines(ClusterFixture.ONLINE, 2, Duration.ofSeconds(90));
    launcherAddress = launcher.awaitLine(Outsider.LAUNCHER_ADDRESS, Duration.ofSeconds(10)).group(1);
  }

  @AfterAll
  void stopCluster() {
    launcher.close();
  }

  @Test
  @Order(1)
  void theTestSeesEveryJobAChildRuns() throws Exception {
    int mark = launcher.lineCount();
    String node = job();
    launcher.awaitLineAfter(mark, Pattern.compile("\\[" + Pattern.quote(child(node)) + "\\] .*work\\.busy done"),
        Duration.ofSeconds(10));
  }

  @Test
  @Order(2)
  void aMemberWithTheNameButAPlainEventBusGetsNothingDoneEitherWay() throws Exception {
    assertNothingGetsThrough(Outsider.vertx(identity.name(), launcherAddress, null));
  }

  @Test
  @Order(3)
  void aMemberWithTheNameAndACertificateOfItsOwnGetsNothingDoneEitherWay() throws Exception {
    SelfSignedCertificate ownKey = SelfSignedCertificate.create("vertx-template cluster", Duration.ofDays(1));
    assertNothingGetsThrough(Outsider.vertx(identity.name(), launcherAddress, ownKey));
  }

  @Test
  @Order(4)
  void rawTcpAndTlsConnectionsToAChildsPortsGetNoMessageRun() throws Exception {
    int mark = launcher.lineCount();
    JsonObject slot = cluster.child(1);
    long child = slot.getLong("pid");
    int managementPort = slot.getInteger("managementPort", -1);
    List<Integer> ports = ListeningSockets.of(child).stream()
        .map(ListeningSockets.Listener::port)
        .filter(port -> port != cluster.httpPort && port != managementPort).toList();
    assertThat(ports).as("the child's event-bus and Hazelcast ports").hasSize(2);
    SSLContext ownKey = tlsWithOwnKey();
    for (int port : ports) {
      // What a plain event bus would write: a length, then a frame naming the address and a job.
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(frame());
        assertThat(drain(socket.getInputStream())).as("the child closes a raw connection to port %d", port).isTrue();
      }
      try (SSLSocket socket = (SSLSocket) ownKey.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        boolean refused;
        try {
          socket.startHandshake();
          socket.getOutputStream().write(frame());
          socket.getOutputStream().flush();
          refused = drain(socket.getInputStream());
        } catch (IOException e) {
          refused = true; // the handshake failed: the child does not trust this certificate
        }
        assertThat(refused).as("the child refuses a TLS client with its own certificate on port %d", port).isTrue();
      }
    }
    assertNoJobRanSince(mark);
  }

  private void assertNothingGetsThrough(Outsider.Member outsider) throws Exception {
    try {
      assertThat(outsider.manager().getNodes()).as("it joined Hazelcast, name and all").hasSize(4);
      int mark = launcher.lineCount();

      // Deliver: to each member's own address and to the public one. Nothing answers; the jobs
      // sent to the children time out (the launcher runs no jobs: no handlers there).
      List<ReplyFailure> outcomes = new java.util.ArrayList<>();
      for (String node : outsider.manager().getNodes()) {
        if (!node.equals(outsider.manager().getNodeId())) {
          outcomes.add(outcome(outsider.vertx().eventBus()
              .request(JobApi.nodeAddress(BusyJob.ADDRESS, node), new JsonObject().put("ms", 1), QUICK)));
        }
      }
      outcomes.add(outcome(outsider.vertx().eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", 1), QUICK)));
      assertThat(outcomes).as("how each job the outsider sent ended")
          .doesNotContainNull()
          .filteredOn(failure -> failure == ReplyFailure.TIMEOUT).hasSize(3);
      assertNoJobRanSince(mark);

      // Receive: it offers to run jobs; the children's round robin includes it, and a job sent its
      // way never reaches it: the job (repeatable) goes to another node once the outsider has
      // missed its answer deadline (jobs.attemptTimeoutMs) and a probe, so its client still gets a
      // 200, only later.
      AtomicInteger received = new AtomicInteger();
      String own = JobApi.nodeAddress(BusyJob.ADDRESS, outsider.manager().getNodeId());
      outsider.vertx().eventBus().consumer(own, message -> received.incrementAndGet())
          .completion().await(30, TimeUnit.SECONDS);
      long slowestMs = 0;
      for (int i = 0; i < 40 && slowestMs < ATTEMPT_TIMEOUT_MS; i++) {
        long start = System.nanoTime();
        assertThat(jobStatus()).as("a job while the outsider offers to run them").isEqualTo(200);
        slowestMs = Math.max(slowestMs, Duration.ofNanos(System.nanoTime() - start).toMillis());
      }
      assertThat(slowestMs).as("a job routed towards the outsider first, then elsewhere")
          .isGreaterThanOrEqualTo(ATTEMPT_TIMEOUT_MS);
      assertThat(received).as("jobs the outsider received").hasValue(0);
    } finally {
      outsider.close();
    }
  }

  /** How a request ended: null if it was answered, else its failure type. */
  private static ReplyFailure outcome(Future<?> request) throws Exception {
    Throwable failure = request.map(reply -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS);
    return failure == null ? null : ((ReplyException) failure).failureType();
  }

  // A job through HTTP that lands on some child; the line of the job it runs there marks the
  // point by which anything the outsider had got through would have shown as well.
  private void assertNoJobRanSince(int mark) throws Exception {
    String node = job();
    launcher.awaitLineAfter(mark, Pattern.compile("\\[" + Pattern.quote(child(node)) + "\\] .*work\\.busy done"),
        Duration.ofSeconds(10));
    assertThat(launcher.lines().subList(mark, launcher.lineCount()))
        .as("jobs the children ran since the outsider tried")
        .filteredOn(line -> RAN.matcher(line.text()).find()).hasSize(1);
  }

  /** One job through the deployment's HTTP port; returns the node that ran it. */
  private String job() throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      HttpResponse<String> response = send();
      if (response.statusCode() == 200) {
        return new JsonObject(response.body()).getString("node");
      }
    }
    throw new AssertionError("no job answered in 10 tries");
  }

  private int jobStatus() throws Exception {
    return send().statusCode();
  }

  private HttpResponse<String> send() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + "/work/busy?ms=1"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String child(String node) {
    return node.substring(0, node.indexOf('@'));
  }

  // Reads until the peer closes; true if it did (within the socket's timeout) without a byte
  // of event-bus reply. A TLS alert or Hazelcast's refusal may come first; neither is a reply.
  private static boolean drain(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    try {
      while (in.read(buffer) != -1) {
        // whatever the child says before it closes
      }
      return true;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  private static byte[] frame() {
    byte[] body = ("{\"address\":\"" + BusyJob.ADDRESS + "\",\"body\":{\"ms\":1}}").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  // A TLS client with a key and certificate of its own, trusting whatever the server shows.
  private static SSLContext tlsWithOwnKey() throws Exception {
    SelfSignedCertificate own = SelfSignedCertificate.create("intruder", Duration.ofDays(1));
    Certificate certificate = CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(own.certificate().getBytes(StandardCharsets.US_ASCII)));
    String base64 = own.privateKey().replaceAll("-----[A-Z ]+-----|\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("intruder", key, new char[0], new Certificate[] {certificate});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), new TrustManager[] {trustAll}, null);
    return context;
  }

  // The application's own logback setup, plus DEBUG for the workers: one line per job run.
  private static Path logWorkerJobs(Path dir) throws IOException {
    String logback = Files.readString(JarProcess.appHome().resolve("conf/logback.xml"))
        .replace("<root level=", "<logger name=\"com.example.template.work\" level=\"DEBUG\"/>\n  <root level=");
    return Files.writeString(dir.resolve("logback.xml"), logback);
  }
}
