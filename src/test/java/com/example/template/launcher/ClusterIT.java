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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/run.sh -processes 2 -instances 1} as a user runs it: one launcher, two child JVMs
 * in one cluster behind one port, then a crash, a reload under load and the verbs, in order, on
 * the same running launcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final Duration START = Duration.ofSeconds(60);

  private final ClusterFixture cluster = new ClusterFixture(new JsonObject());
  private Vertx vertx;
  private JarProcess launcher;

  @BeforeAll
  void startCluster() {
    vertx = Vertx.vertx();
    launcher = cluster.launch(2);
    launcher.awaitLines(ClusterFixture.ONLINE, 2, START);
  }

  @AfterAll
  void stopCluster() {
    launcher.close();
    vertx.close();
  }

  @Test
  @Order(1)
  void bothChildrenServeTheOnePortAndRunEachOthersJobs() throws Exception {
    assertThat(cluster.children()).extracting(c -> ((JsonObject) c).getString("state"))
        .containsExactly("online", "online");

    // Over one keep-alive connection, so one child serves every request: the jobs still run on
    // both, because the event bus spreads them across the cluster.
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    Set<String> ranOn = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ranOn.add(get(client, "/work/busy?ms=1").getString("node"));
    }
    assertThat(ranOn).containsExactlyInAnyOrder(
        cluster.child(1).getString("node"), cluster.child(2).getString("node"));

    // New connections land on both children (SO_REUSEPORT spreads them).
    HttpClient fresh = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    for (int i = 0; i < 40; i++) {
      get(fresh, "/health/ready");
    }
    Conditions.await("both children to report requests", Duration.ofSeconds(10), () ->
        cluster.child(1).getLong("requests", 0L) > 0 && cluster.child(2).getLong("requests", 0L) > 0);
  }

  @Test
  @Order(2)
  void aKilledChildIsBackWithinSecondsAndNothingFailsAfterwards() throws Exception {
    long pid = cluster.child(1).getLong("pid");
    SteadyLoad load = SteadyLoad.start(vertx, cluster.httpPort, "/hello", 4, Duration.ofSeconds(60));
    int mark = launcher.lineCount();
    long killedAt = System.nanoTime();
    JarProcess.signal(pid, "KILL");

    launcher.awaitLineAfter(mark, Pattern.compile("app-1\\.\\d+ online"), Duration.ofSeconds(30));
    long backAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertThat(backAfterMs).as("ms until the replacement was ready").isLessThan(20_000);
    assertThat(cluster.child(1).getInteger("restarts")).isEqualTo(1);
    assertThat(ProcessHandle.of(pid)).isEmpty();

    load.reset();
    Conditions.await("500 requests after the restart", Duration.ofSeconds(20), () -> load.succeeded() >= 500);
    load.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(load.failures()).isEmpty();
  }

  @Test
  @Order(3)
  void reloadUnderSteadyKeepAliveLoadFailsNoRequest() throws Exception {
    Set<Long> before = Set.of(cluster.child(1).getLong("pid"), cluster.child(2).getLong("pid"));
    SteadyLoad load = SteadyLoad.start(vertx, cluster.httpPort, "/hello", 8, Duration.ofSeconds(90));
    Conditions.await("the load to flow", Duration.ofSeconds(10), () -> load.succeeded() > 100);

    ClusterFixture.Verb reload = cluster.verb("reload");

    Conditions.await("requests after the reload", Duration.ofSeconds(10), () -> load.succeeded() > 200);
    load.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(reload.exitCode()).as(String.join("\n", reload.stderr())).isZero();
    assertThat(reload.stdout()).anyMatch(line -> line.startsWith("reloaded: "));
    assertThat(load.failures())
        .as("failed requests during the reload (%d sent again after their connection broke)", load.retried())
        .isEmpty();
    Set<Long> after = Set.of(cluster.child(1).getLong("pid"), cluster.child(2).getLong("pid"));
    assertThat(after).doesNotContainAnyElementsOf(before);
    before.forEach(pid -> assertThat(ProcessHandle.of(pid)).as("old child " + pid).isEmpty());
  }

  @Test
  @Order(4)
  void listAndShowDescribeTheChildrenAndAWrongIdIsAClearError() {
    ClusterFixture.Verb list = cluster.verb("list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.stdout().get(0)).contains("id", "pid", "state", "uptime", "restarts", "cpu", "memory", "req/s");
    assertThat(list.stdout()).filteredOn(line -> line.contains("online")).hasSize(2);

    ClusterFixture.Verb show = cluster.verb("show", "2");
    assertThat(show.exitCode()).isZero();
    assertThat(String.join("\n", show.stdout()))
        .contains("pid", cluster.child(2).getString("name"), "memory", "requests");

    ClusterFixture.Verb wrong = cluster.verb("show", "9");
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.stderr()).singleElement().asString().startsWith("error: no child 9; there are 1 (app-1.");
  }

  @Test
  @Order(5)
  void stopDrainsEveryChildAndTheLauncherExitsZero() {
    Set<Long> children = Set.of(cluster.child(1).getLong("pid"), cluster.child(2).getLong("pid"));
    ClusterFixture.Verb stop = cluster.verb("stop");
    assertThat(stop.exitCode()).isZero();
    assertThat(launcher.awaitExit(Duration.ofSeconds(30))).isZero();
    children.forEach(pid -> assertThat(ProcessHandle.of(pid)).as("child " + pid).isEmpty());

    ClusterFixture.Verb list = cluster.verb("list");
    assertThat(list.exitCode()).isEqualTo(ExitCodes.NO_LAUNCHER);
    assertThat(list.stderr()).singleElement().asString().startsWith("error: no launcher is running");
  }

  private JsonObject get(HttpClient client, String path) throws Exception {
    return client.request(HttpMethod.GET, cluster.httpPort, "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          return response.body();
        })
        .map(body -> body.toJsonObject())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
