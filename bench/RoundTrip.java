// Event-bus job round trips for bench/cluster.sh: one work.busy {"ms": 0} job at a time (latency),
// then CONCURRENCY at a time for a few seconds (throughput), three ways:
//   in-jvm                   a worker verticle in this JVM (the single node's offload hop)
//   cluster CONF [NAME]      a node of the running cluster that the config CONF (a file or inline
//                            JSON, as for -conf) joins: cluster.identityDir, or cluster.insecure;
//                            with NAME, the first node whose name (a reply's "node") contains it
//   bridge HOST PORT         the TCP bridge of a running node
// Run from the application home:
//   java @conf/jvm.options -cp target/app.jar bench/RoundTrip.java in-jvm
// Prints one line: "roundtrip <mode> p50_ms=.. p99_ms=.. rps=.. samples=.."
import com.example.template.api.JobApi;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.example.template.runtime.VertxFactory;
import com.example.template.work.BusyJob;
import com.example.template.work.JobCancellations;
import com.example.template.work.JobWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

public class RoundTrip {

  static final int WARMUP = 2_000;
  static final int SAMPLES = 5_000;
  static final int CONCURRENCY = 8;
  static final long THROUGHPUT_MS = 5_000;

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "conf/logback.xml");
    System.setProperty("hazelcast.logging.type", "slf4j");
    String mode = args.length > 0 ? args[0] : "in-jvm";
    switch (mode) {
      case "in-jvm" -> inJvm();
      case "cluster" -> cluster(args.length > 1 ? args[1] : null, args.length > 2 ? args[2] : "");
      case "bridge" -> bridge(args[1], Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("mode: in-jvm | cluster CONF | bridge HOST PORT");
    }
    System.exit(0);
  }

  static void inJvm() {
    Vertx vertx = VertxFactory.standalone();
    vertx.deployVerticle(() -> new JobWorkerVerticle(List.of(new BusyJob(0)), "bench", null, new JobCancellations(null)),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(2)).await();
    measure("in-jvm", () -> vertx.eventBus().request(BusyJob.ADDRESS, new JsonObject().put("ms", 0)).mapEmpty());
  }

  static void cluster(String conf, String name) {
    ConfigLoader loader = new ConfigLoader(Path.of("."));
    AppConfig config = loader.load(conf, Map.of(), new JsonObject());
    VertxFactory.Clustered member = VertxFactory.join(config.cluster(), loader).await();
    Vertx vertx = member.vertx();
    // A node of the cluster that runs jobs: the first one that answers on its own address.
    String target = null;
    for (String node : member.nodes().all()) {
      if (node.equals(member.nodes().self())) {
        continue;
      }
      try {
        JsonObject reply = vertx.eventBus().<JsonObject>request(JobApi.nodeAddress(BusyJob.ADDRESS, node),
            new JsonObject().put("ms", 0)).await().body();
        if (reply.getString("node", "").contains(name)) {
          target = JobApi.nodeAddress(BusyJob.ADDRESS, node);
          break;
        }
      } catch (RuntimeException noWorkersThere) {
        // the launcher, or a node without workers
      }
    }
    if (target == null) {
      throw new IllegalStateException("no node of the cluster named *" + name + "* runs " + BusyJob.ADDRESS);
    }
    String address = target;
    measure("cluster", () -> vertx.eventBus().request(address, new JsonObject().put("ms", 0)).mapEmpty());
    vertx.close().await();
  }

  // The bridge protocol: a 4-byte big-endian length, then a JSON frame; one connection per
  // concurrent caller, each waiting for its reply before the next send.
  static void bridge(String host, int port) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < CONCURRENCY; i++) {
      sockets.add(new Socket(host, port));
    }
    long[] latencies = new long[SAMPLES];
    Socket first = sockets.get(0);
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
      long start = System.nanoTime();
      bridgeCall(first, i);
      if (i >= WARMUP) {
        latencies[i - WARMUP] = System.nanoTime() - start;
      }
    }
    AtomicLong done = new AtomicLong();
    long end = System.currentTimeMillis() + THROUGHPUT_MS;
    List<Thread> threads = new ArrayList<>();
    for (Socket socket : sockets) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; System.currentTimeMillis() < end; i++) {
            bridgeCall(socket, i);
            done.incrementAndGet();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    report("bridge", latencies, done.get() * 1000.0 / THROUGHPUT_MS);
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  static void bridgeCall(Socket socket, int i) throws Exception {
    JsonObject frame = new JsonObject().put("type", "send").put("address", BusyJob.ADDRESS)
        .put("replyAddress", "bench-" + i).put("body", new JsonObject().put("ms", 0));
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    // One write for the length and the frame: written apart, Nagle's algorithm holds the frame
    // until the bridge acknowledges the length (tens of milliseconds with delayed ACKs).
    socket.getOutputStream().write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] reply = new byte[in.readInt()];
    in.readFully(reply);
    JsonObject answer = new JsonObject(new String(reply, StandardCharsets.UTF_8));
    if (!"message".equals(answer.getString("type"))) {
      throw new IllegalStateException("bridge answered " + answer.encode());
    }
  }

  // Latency: one job at a time. Throughput: CONCURRENCY jobs in flight for THROUGHPUT_MS.
  static void measure(String mode, Supplier<Future<Void>> job) {
    long[] latencies = new long[SAMPLES];
    for (int i = 0; i < WARMUP + SAMPLES; i++) {
      long start = System.nanoTime();
      job.get().await();
      if (i >= WARMUP) {
        latencies[i - WARMUP] = System.nanoTime() - start;
      }
    }
    AtomicLong done = new AtomicLong();
    long end = System.currentTimeMillis() + THROUGHPUT_MS;
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < CONCURRENCY; i++) {
      loops.add(loop(job, done, end));
    }
    Future.all(loops).await();
    report(mode, latencies, done.get() * 1000.0 / THROUGHPUT_MS);
  }

  // One caller: the next job once the last answered, until the end; a promise, not a chain of
  // composed futures, which would unwind thousands deep when it ends.
  static Future<Void> loop(Supplier<Future<Void>> job, AtomicLong done, long end) {
    Promise<Void> finished = Promise.promise();
    next(job, done, end, finished);
    return finished.future();
  }

  static void next(Supplier<Future<Void>> job, AtomicLong done, long end, Promise<Void> finished) {
    if (System.currentTimeMillis() >= end) {
      finished.complete();
      return;
    }
    job.get().onComplete(ar -> {
      if (ar.failed()) {
        finished.fail(ar.cause());
        return;
      }
      done.incrementAndGet();
      next(job, done, end, finished);
    });
  }

  static void report(String mode, long[] latencies, double rps) {
    Arrays.sort(latencies);
    System.out.printf("roundtrip %s p50_ms=%.3f p99_ms=%.3f rps=%.0f samples=%d%n", mode,
        latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6, rps,
        latencies.length);
  }
}
