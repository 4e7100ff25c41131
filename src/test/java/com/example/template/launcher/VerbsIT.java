package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.ExitCodes;
import com.example.template.support.Conditions;
import com.example.template.support.JarProcess;
import com.example.template.support.SteadyLoad;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The verbs a PM2 user reaches for, on one running launcher, in order: {@code list --json} from the
 * first moment, {@code scale 2}, {@code restart NAME} and {@code scale -1} under a steady load,
 * and {@code show} by id and by name.
 *
 * <p>The load is {@link SteadyLoad}: keep-alive connections whose client sends a {@code GET} again
 * when its connection broke before any answer, as HTTP allows. A draining child still closes a
 * connection it accepted in the instant its listener closed (issue 9, point 6; OPERATIONS.md, "What
 * a reload can still cut"); such a request is counted apart as retried, not as failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerbsIT {

  private static final Duration START = Duration.ofSeconds(60);

  private final ClusterFixture cluster = new ClusterFixture(new JsonObject());
  private Vertx vertx;
  private JarProcess launcher;
  private SteadyLoad load;
  private long firstPid;

  @BeforeAll
  void startOneChild() {
    vertx = Vertx.vertx();
    launcher = cluster.launch(1);
    launcher.awaitLines(ClusterFixture.ONLINE, 1, START);
  }

  @AfterAll
  void stop() {
    if (load != null) {
      load.stop();
    }
    launcher.close();
    vertx.close();
  }

  @Test
  @Order(1)
  void listJsonParsesAndShowsMemoryAndCpuFromTheFirstListing() {
    ClusterFixture.Verb list = cluster.verb("list", "--json");

    assertThat(list.exitCode()).as(String.join("\n", list.stderr())).isZero();
    JsonObject document = new JsonObject(String.join("\n", list.stdout()));
    JsonObject self = document.getJsonObject("launcher");
    assertThat(self.getLong("pid")).isEqualTo(launcher.pid());
    assertThat(self.getString("id")).matches("[0-9a-f]{8}");
    assertThat(self.getLong("startedAt")).isBetween(System.currentTimeMillis() - START.toMillis(), System.currentTimeMillis());
    assertThat(self.getInteger("processes")).isEqualTo(1);
    assertThat(document.getJsonArray("children")).hasSize(1);
    JsonObject child = document.getJsonArray("children").getJsonObject(0);
    firstPid = child.getLong("pid");
    assertThat(child.getInteger("id")).isEqualTo(1);
    assertThat(child.getString("name")).isEqualTo("app-1.1");
    assertThat(child.getString("node")).isEqualTo("app-1.1@" + self.getString("id"));
    assertThat(child.getString("state")).isEqualTo("online");
    assertThat(ProcessHandle.of(firstPid)).isPresent();
    assertThat(child.getLong("rssBytes")).as("RSS at the first listing").isGreaterThan(20L * 1024 * 1024);
    assertThat(child.getDouble("cpuPercent")).as("CPU at the first listing").isGreaterThan(0.0);
    assertThat(child.getLong("uptimeMs")).isBetween(0L, START.toMillis());
    assertThat(child.getDouble("reqPerSec")).isGreaterThanOrEqualTo(0.0);
    assertThat(child.getInteger("restarts")).isZero();

    ClusterFixture.Verb table = cluster.verb("list");
    assertThat(table.stdout().get(1)).contains("app-1.1", "online", " MB").doesNotContainPattern(" 0\\.0 MB");
  }

  @Test
  @Order(2)
  void scaleUpReturnsOnceTheNewChildIsOnlineAndTouchesNoOther() throws Exception {
    ClusterFixture.Verb scale = cluster.verb("scale", "2");

    assertThat(scale.exitCode()).as(String.join("\n", scale.stderr())).isZero();
    assertThat(scale.stdout()).contains("scaled to 2: started app-2.1");
    assertThat(cluster.child(2).getString("state")).isEqualTo("online");
    assertThat(cluster.child(1).getLong("pid")).isEqualTo(firstPid);

    // The new child serves the port too: fresh connections land on both.
    HttpClient fresh = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    for (int i = 0; i < 40; i++) {
      fresh.request(HttpMethod.GET, cluster.httpPort, "127.0.0.1", "/hello")
          .compose(request -> request.send()).compose(response -> response.body())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Conditions.await("the new child to report requests", Duration.ofSeconds(10),
        () -> cluster.child(2).getLong("requests", 0L) > 0);
  }

  @Test
  @Order(3)
  void restartByNameReplacesThatChildOnlyUnderLoad() {
    // Eight keep-alive connections, opened now: some land on each child.
    load = SteadyLoad.start(vertx, cluster.httpPort, "/hello", 8, Duration.ofSeconds(240));
    Conditions.await("the load to flow", Duration.ofSeconds(10), () -> load.succeeded() > 100);
    long second = cluster.child(2).getLong("pid");
    Conditions.await("a request rate for each child", Duration.ofSeconds(10),
        () -> cluster.child(1).getDouble("reqPerSec") > 0 && cluster.child(2).getDouble("reqPerSec") > 0);

    ClusterFixture.Verb restart = cluster.verb("restart", "app-2.1");

    assertThat(restart.exitCode()).as(String.join("\n", restart.stderr())).isZero();
    assertThat(restart.stdout()).contains("restarted: app-2.2");
    assertThat(cluster.child(2).getString("name")).isEqualTo("app-2.2");
    assertThat(cluster.child(2).getLong("pid")).isNotEqualTo(second);
    assertThat(ProcessHandle.of(second)).as("the restarted child").isEmpty();
    assertThat(cluster.child(1).getLong("pid")).as("the other child").isEqualTo(firstPid);
    assertThat(load.failures()).as("failed requests (%d sent again)", load.retried()).isEmpty();
  }

  @Test
  @Order(4)
  void showByIdAndByNameAgreeAndSayWhatHappened() {
    ClusterFixture.Verb byName = cluster.verb("show", "app-2.2", "--json");
    ClusterFixture.Verb byId = cluster.verb("show", "2", "--json");
    ClusterFixture.Verb bySlot = cluster.verb("show", "app-2", "--json");

    assertThat(byName.exitCode()).isZero();
    JsonObject named = new JsonObject(String.join("\n", byName.stdout()));
    JsonObject numbered = new JsonObject(String.join("\n", byId.stdout()));
    assertThat(numbered.getLong("pid")).isEqualTo(named.getLong("pid")).isEqualTo(cluster.child(2).getLong("pid"))
        .isEqualTo(new JsonObject(String.join("\n", bySlot.stdout())).getLong("pid"));
    assertThat(named.getJsonObject("lastExit").getString("child")).isEqualTo("app-2.1");
    assertThat(named.getJsonObject("lastExit").getInteger("code")).isZero();
    assertThat(named.getJsonArray("replacements").getJsonObject(0).getString("reason")).isEqualTo("restart");
    assertThat(named.getJsonArray("command").getList()).contains("--node-name", "app-2.2");

    ClusterFixture.Verb human = cluster.verb("show", "app-2.2");
    assertThat(human.exitCode()).isZero();
    assertThat(String.join("\n", human.stdout()))
        .containsPattern("uptime +\\d+s")
        .containsPattern("memory +\\d+\\.\\d MB resident")
        .containsPattern("last exit +app-2.1, code 0, at ")
        .contains("app-2.1: restart", "--node-name app-2.2");

    ClusterFixture.Verb wrong = cluster.verb("show", "app-9.1");
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.stderr()).containsExactly("error: no child app-9.1; there are 1 (app-1.1), 2 (app-2.2)");
  }

  @Test
  @Order(5)
  void scaleDownDrainsTheNewestUnderLoadAndRefusesToGoBelowOne() throws Exception {
    long removed = cluster.child(2).getLong("pid");

    ClusterFixture.Verb scale = cluster.verb("scale", "-1");

    assertThat(scale.exitCode()).as(String.join("\n", scale.stderr())).isZero();
    assertThat(scale.stdout()).contains("scaled to 1: stopped app-2.2");
    assertThat(cluster.children()).hasSize(1);
    assertThat(ProcessHandle.of(removed)).as("the removed child").isEmpty();
    assertThat(cluster.child(1).getLong("pid")).isEqualTo(firstPid);
    int before = load.succeeded();
    Conditions.await("requests after the scale", Duration.ofSeconds(10), () -> load.succeeded() > before + 200);
    load.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(load.failures()).as("failed requests (%d sent again)", load.retried()).isEmpty();

    ClusterFixture.Verb none = cluster.verb("scale", "-1");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.stderr()).singleElement().asString().startsWith("error: cannot scale to 0: at least 1 child runs");
  }
}
