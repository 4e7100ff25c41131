import com.example.template.Main;
import com.example.template.api.JobApi;
import com.example.template.api.JobClient;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.runtime.VertxFactory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;
import com.example.template.work.BusyJob;
import com.example.template.work.HashJob;

/**
 * A JVM service that calls the template's jobs by joining its cluster: no HTTP, no bridge, the
 * event bus itself. Run it from the application home while the application runs in cluster mode
 * with an identity the operator made ({@code examples/README.md} shows the commands):
 *
 * <pre>
 * ./mvnw -q package -DskipTests      # once: builds target/app.jar
 * bin/run.sh identity run/identity   # once: the identity the nodes and this client share
 * bin/run.sh -processes 2 -cluster-identity run/identity    # in another terminal
 * java @conf/jvm.options -cp target/app.jar examples/jvm-client/JobClientExample.java \
 *     '{"cluster": {"identityDir": "run/identity"}}'
 * </pre>
 *
 * <p>It reads the same {@code conf/config.json} as the nodes (or the {@code -conf}-style file or
 * inline JSON given as its one argument), so it joins the same cluster: {@code cluster.identityDir}
 * names the identity the operator made with {@code bin/run.sh identity DIR} and gave the nodes
 * too, and {@code conf/cluster.xml} says where they are. Everything it needs comes from the
 * application's jar: the cluster setup ({@link VertxFactory}), the contract ({@link JobApi}) and
 * {@link JobClient}, which sends each job to one node and sends it again elsewhere if that node
 * dies first.
 *
 * <p>It exits 0 when the jobs answered and the mistakes were refused as the contract says.
 */
public class JobClientExample {

  public static void main(String[] args) throws Exception {
    Path home = Path.of(System.getProperty("app.home", ".")).toAbsolutePath().normalize();
    // Before the first logger exists, as the application does: SLF4J for Vert.x and Hazelcast,
    // configured by conf/logback.xml.
    Main.configureLogging(home);
    ConfigLoader loader = new ConfigLoader(home);
    AppConfig config;
    VertxFactory.Clustered cluster;
    try {
      config = loader.load(args.length > 0 ? args[0] : null, System.getenv(), new JsonObject());
      // Join once, for the life of the service: a member holds part of the cluster's data. The
      // cluster is closed: join() reads its name and event-bus key from cluster.identityDir, the
      // directory the operator gave the nodes too, and refuses to go on without one.
      cluster = VertxFactory.join(config.cluster(), loader).await();
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage()); // a config to fix: trying again will not help
      System.exit(2);
      return;
    }
    Vertx vertx = cluster.vertx();
    JobClient jobs = new JobClient(vertx, cluster.nodes(), config.jobs().timeoutMs(), config.jobs().maxAttempts());
    // Not the cluster name: it is a secret, and output ends up in logs.
    System.out.printf("joined the cluster as %s%n", cluster.nodes().self());

    boolean asExpected;
    try {
      // await() blocks this main thread, which is fine in a command-line program. In a verticle,
      // compose the futures instead: never block an event loop.
      // &, not &&: every call runs, whatever the one before it did.
      asExpected = call(jobs, BusyJob.ADDRESS, new JsonObject().put("ms", 200))
          & call(jobs, HashJob.ADDRESS, new JsonObject().put("password", "correct horse battery staple").put("iterations", 10_000))
          & refused(jobs, BusyJob.ADDRESS, new JsonObject().put("ms", -1), JobApi.INVALID_REQUEST)
          & refused(jobs, HashJob.ADDRESS, new JsonObject().put("password", ""), JobApi.INVALID_REQUEST);
    } finally {
      vertx.close().await(); // leave the cluster cleanly, so no member waits for a lost one
    }
    System.exit(asExpected ? 0 : 1);
  }

  /** Sends a job that should succeed; prints its reply, or what went wrong. */
  private static boolean call(JobClient jobs, String address, JsonObject body) {
    String requestId = requestId();
    try {
      Message<JsonObject> reply = send(jobs, address, body, requestId);
      System.out.printf("%s %s -> %s [rid=%s]%n", address, body.encode(), reply.body().encode(), requestId);
      return true;
    } catch (ReplyException failure) {
      System.out.printf("%s %s -> failed: %s [rid=%s]%n", address, body.encode(), explain(failure), requestId);
      return false;
    }
  }

  /** Sends a job the contract refuses, on purpose, to show what a caller gets back. */
  private static boolean refused(JobClient jobs, String address, JsonObject body, int expectedCode) {
    String requestId = requestId();
    try {
      send(jobs, address, body, requestId);
      System.out.printf("%s %s -> answered, but the contract says %d%n", address, body.encode(), expectedCode);
      return false;
    } catch (ReplyException failure) {
      boolean expected = failure.failureType() == ReplyFailure.RECIPIENT_FAILURE && failure.failureCode() == expectedCode;
      System.out.printf("%s %s -> %s: %s [rid=%s]%n", address, body.encode(),
          expected ? "refused as expected" : "failed", explain(failure), requestId);
      return expected;
    }
  }

  /** One job; a node that is full gets a short pause and another try, as its 503 asks. */
  private static Message<JsonObject> send(JobClient jobs, String address, JsonObject body, String requestId)
      throws ReplyException {
    for (int attempt = 1; ; attempt++) {
      try {
        return jobs.request(address, body, requestId).await();
      } catch (ReplyException failure) {
        if (failure.failureCode() != JobApi.OVERLOADED || attempt == 3) {
          throw failure;
        }
        sleep(1_000);
      }
    }
  }

  /** What each failure means to the caller: every code of the contract, and the bus's own. */
  private static String explain(ReplyException failure) {
    String what = switch (failure.failureType()) {
      case TIMEOUT -> "no answer in time; the job may still have run";
      case NO_HANDLERS -> "no node runs this job: is the application running in cluster mode, with the same cluster.identityDir?";
      case RECIPIENT_FAILURE -> switch (failure.failureCode()) {
        case JobApi.INVALID_REQUEST -> "INVALID_REQUEST: fix the request, sending it again will not help";
        case JobApi.OVERLOADED -> "OVERLOADED: the node is full or draining, retry shortly";
        case JobApi.DEADLINE_EXCEEDED -> "DEADLINE_EXCEEDED: it did not start before its deadline, and did not run";
        case JobApi.OUTCOME_UNKNOWN -> "OUTCOME_UNKNOWN: its node was lost; find out whether it ran before doing it again";
        case JobApi.INTERNAL_ERROR -> "INTERNAL_ERROR: a bug on the server side, logged there with the request id";
        default -> "failure code " + failure.failureCode() + ", which the contract does not name";
      };
      default -> "the event bus failed: " + failure.failureType();
    };
    return what + " (" + failure.failureCode() + ": " + failure.getMessage() + ")";
  }

  private static String requestId() {
    return "example-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
