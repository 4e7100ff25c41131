package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.FreePorts;
import com.example.template.support.JarProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two teams on one host run the template with the default config (their own HTTP ports and run
 * directories): each deployment is its own cluster. Jobs sent to one run only on its children,
 * whose node names tell them apart, and neither {@code list} changes when the other starts. A
 * third launcher on a port the first one serves exits 1 with one clear line, and so does one given a
 * cluster port someone holds.
 */
class TwoDeploymentsIT {

  private static final Duration START = Duration.ofSeconds(120);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoLaunchersWithTheDefaultConfigStayApart() throws Exception {
    ClusterFixture first = new ClusterFixture(new JsonObject());
    ClusterFixture second = new ClusterFixture(new JsonObject());
    try (JarProcess one = first.launch(2); JarProcess two = second.launch(2)) {
      one.awaitLines(ClusterFixture.ONLINE, 2, START);
      two.awaitLines(ClusterFixture.ONLINE, 2, START);
      JsonArray firstChildren = first.children();
      JsonArray secondChildren = second.children();
      Set<String> firstNodes = nodes(firstChildren);
      Set<String> secondNodes = nodes(secondChildren);
      assertThat(firstNodes).as("%s\n%s", firstChildren, one.output()).hasSize(2).doesNotContainNull()
          .doesNotContainAnyElementsOf(secondNodes);
      assertThat(secondNodes).as("%s\n%s", secondChildren, two.output()).hasSize(2).doesNotContainNull();

      assertThat(ranOn(first.httpPort, 20)).as("nodes that ran the first deployment's jobs").isEqualTo(firstNodes);
      assertThat(ranOn(second.httpPort, 20)).as("nodes that ran the second deployment's jobs").isEqualTo(secondNodes);

      assertThat(slots(first.children())).isEqualTo(slots(firstChildren));
      assertThat(slots(second.children())).isEqualTo(slots(secondChildren));
      assertThat(slots(firstChildren)).extracting(slot -> slot.getString("state")).containsOnly("online");
    }
  }

  @Test
  void aLauncherOnAPortAnotherDeploymentServesExitsWithOneLine() {
    ClusterFixture first = new ClusterFixture(new JsonObject());
    try (JarProcess one = first.launch(1)) {
      one.awaitLines(ClusterFixture.ONLINE, 1, START);
      JsonArray before = first.children();
      ClusterFixture intruder = new ClusterFixture(new JsonObject()
          .put("http", new JsonObject().put("port", first.httpPort)));
      try (JarProcess second = intruder.launch(1)) {
        assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isEqualTo(1);
        assertThat(second.stderr())
            .containsExactly("error: cannot listen on 0.0.0.0:" + first.httpPort + ": address already in use");
      }
      assertThat(slots(first.children())).isEqualTo(slots(before));
    }
  }

  @Test
  void aLauncherOnABridgePortAnotherDeploymentServesExitsWithOneLine() {
    int bridgePort = FreePorts.next();
    JsonObject bridge = new JsonObject().put("bridge", new JsonObject().put("enabled", true).put("port", bridgePort));
    ClusterFixture first = new ClusterFixture(bridge.copy());
    try (JarProcess one = first.launch(1)) {
      one.awaitLines(ClusterFixture.ONLINE, 1, START);
      JsonArray before = first.children();
      ClusterFixture intruder = new ClusterFixture(bridge.copy());
      try (JarProcess second = intruder.launch(1)) {
        assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isEqualTo(1);
        assertThat(second.stderr())
            .containsExactly("error: cannot listen on 127.0.0.1:" + bridgePort + " (bridge): address already in use");
      }
      assertThat(slots(first.children())).isEqualTo(slots(before));
    }
  }

  @Test
  void aLauncherGivenAClusterPortSomeoneHoldsExitsWithOneLineAndForksNothing() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = squatter.getLocalPort();
      ClusterFixture launcher = new ClusterFixture(new JsonObject().put("cluster", new JsonObject().put("port", port)));
      try (JarProcess refused = launcher.launch(1)) {
        assertThat(refused.awaitExit(Duration.ofSeconds(60))).as(refused.output()).isEqualTo(1);
        assertThat(refused.stderr())
            .containsExactly("error: cannot listen on 127.0.0.1:" + port + " (cluster): address already in use");
        assertThat(refused.stdout()).as("nothing forked").noneMatch(line -> line.contains("started, pid"));
      }
    }
  }

  /** Sends jobs through the port; returns the nodes that answered them. */
  private Set<String> ranOn(int port, int jobs) throws Exception {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < jobs; i++) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/work/busy?ms=1"))
              .timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      nodes.add(new JsonObject(response.body()).getString("node"));
    }
    return nodes;
  }

  private static Set<String> nodes(JsonArray children) {
    Set<String> nodes = new HashSet<>();
    children.forEach(child -> nodes.add(((JsonObject) child).getString("node")));
    return nodes;
  }

  // What list shows that must not change: which child, which process, which state.
  private static List<JsonObject> slots(JsonArray children) {
    return children.stream().map(JsonObject.class::cast)
        .map(child -> new JsonObject().put("id", child.getValue("id")).put("name", child.getValue("name"))
            .put("node", child.getValue("node")).put("pid", child.getValue("pid")).put("state", child.getValue("state"))
            .put("restarts", child.getValue("restarts")))
        .toList();
  }
}
