package com.example.template.deploy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Kubernetes API server, as the pods' service account sees it: HTTPS with its
 * own CA, a bearer token, and only what a Role grants (anything else is 403 Forbidden, as RBAC
 * answers). It serves the EndpointSlices of one headless service, whose endpoints are the members
 * added so far, none of them ready yet, and the pods' own records.
 */
final class FakeKubernetesApi {

  static final String NAMESPACE = "test-ns";
  static final String TOKEN = "test-token";

  // /api/v1/namespaces/NS/RESOURCE[/NAME] and /apis/GROUP/VERSION/namespaces/NS/RESOURCE[/NAME]
  private static final Pattern NAMESPACED =
      Pattern.compile("/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/([^/]+)/([^/]+)(?:/([^/]+))?");

  private final JsonObject role;
  private final String serviceName;
  private final List<Integer> memberPorts = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> forbidden = new CopyOnWriteArrayList<>();
  private final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
  private HttpServer server;

  /**
   * @param role the Role (as in rbac.yaml) that decides what the caller may read
   * @param serviceName the headless service whose EndpointSlices list the members
   */
  FakeKubernetesApi(JsonObject role, String serviceName) {
    this.role = role;
    this.serviceName = serviceName;
  }

  /** Listens on loopback; completes with the API's URL. */
  Future<String> start(Vertx vertx) {
    return vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(this::handle)
        .listen(0, "127.0.0.1")
        .map(listening -> {
          server = listening;
          return "https://localhost:" + listening.actualPort();
        });
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The path of the CA certificate (PEM) a client must trust. */
  String caCertificatePath() {
    return certificate.certificatePath();
  }

  /** A member listening on 127.0.0.1 at this port: from now on an endpoint of the headless service. */
  void addMember(int port) {
    memberPorts.add(port);
  }

  /** Every request, as "verb resource" (e.g. "list endpointslices"). */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The requests the Role did not allow. */
  List<String> forbidden() {
    return List.copyOf(forbidden);
  }

  private void handle(HttpServerRequest request) {
    if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
      status(request, 401, "Unauthorized");
      return;
    }
    Matcher m = NAMESPACED.matcher(request.path());
    String group = m.matches() && m.group(1) != null ? m.group(1) : "";
    String resource = m.matches() ? m.group(3) : clusterScopedResource(request.path());
    String verb = m.matches() && m.group(4) == null ? "list" : "get";
    String described = verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    requests.add(described);
    // A Role grants within its own namespace only, and never cluster-scoped resources (nodes).
    if (!m.matches() || !NAMESPACE.equals(m.group(2)) || !granted(group, resource, verb)) {
      forbidden.add(described);
      status(request, 403, "Forbidden");
      return;
    }
    switch (resource) {
      case "endpointslices" -> json(request, endpointSlices(request.getParam("labelSelector")));
      case "pods" -> json(request, new JsonObject()
          .put("metadata", new JsonObject().put("name", m.group(4)).put("namespace", NAMESPACE))
          .put("spec", new JsonObject().put("nodeName", "worker-1")));
      default -> status(request, 404, "NotFound");
    }
  }

  private JsonObject endpointSlices(String labelSelector) {
    JsonArray items = new JsonArray();
    if (labelSelector == null || labelSelector.equals("kubernetes.io/service-name=" + serviceName)) {
      for (int port : memberPorts) {
        items.add(new JsonObject()
            .put("metadata", new JsonObject().put("name", serviceName + "-" + port)
                .put("labels", new JsonObject().put("kubernetes.io/service-name", serviceName)))
            .put("addressType", "IPv4")
            .put("endpoints", new JsonArray().add(new JsonObject()
                .put("addresses", new JsonArray().add("127.0.0.1"))
                .put("conditions", new JsonObject().put("ready", false))
                .put("nodeName", "worker-1")
                .put("targetRef", new JsonObject().put("kind", "Pod").put("name", "pod-" + port)
                    .put("namespace", NAMESPACE))))
            .put("ports", new JsonArray().add(new JsonObject()
                .put("name", "hazelcast").put("port", port).put("protocol", "TCP"))));
      }
    }
    return new JsonObject().put("kind", "EndpointSliceList").put("apiVersion", "discovery.k8s.io/v1").put("items", items);
  }

  private boolean granted(String group, String resource, String verb) {
    return role.getJsonArray("rules").stream().map(JsonObject.class::cast).anyMatch(rule ->
        rule.getJsonArray("apiGroups").contains(group)
            && rule.getJsonArray("resources").contains(resource)
            && rule.getJsonArray("verbs").contains(verb));
  }

  private static String clusterScopedResource(String path) {
    String[] parts = path.split("/");
    return parts.length > 3 ? parts[3] : path;
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  // The Status object the API server answers errors with; Hazelcast stops retrying on "Forbidden".
  private static void status(HttpServerRequest request, int code, String reason) {
    request.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("reason", reason).put("code", code).encode());
  }
}
