package com.example.template.config;

import io.vertx.core.json.JsonObject;

/**
 * Everything a node needs to know, read once at startup and passed in: no verticle reads
 * files, system properties or the environment on its own.
 *
 * @param http the HTTP listener
 * @param jobs the worker verticles and the bounds on the jobs they run
 * @param drain how a node stops
 * @param demo the teaching routes
 * @param bridge the TCP event-bus bridge for non-JVM callers
 * @param cluster the Hazelcast cluster this node joins when clustered
 * @param supervisor how the launcher watches its children in cluster mode
 * @param management the metrics listener, apart from the public port
 */
public record AppConfig(
    Http http, Jobs jobs, Drain drain, Demo demo, Bridge bridge, Cluster cluster, Supervisor supervisor,
    Management management) {

  /**
   * @param host the address to bind
   * @param port the port to bind; 0 picks a free one (tests)
   * @param instances HTTP verticle instances, one event loop each; 0 means one per core
   * @param maxBodyBytes request bodies above this get a 413
   * @param reusePort bind with SO_REUSEPORT so several JVMs share the port (cluster children)
   * @param idleTimeoutMs a connection with no request in progress is closed after this long
   * @param headTimeoutMs a new connection must deliver its first request head within this long
   * @param bodyTimeoutMs a request's body must have arrived this long after its head, or a 408
   * @param maxConnections open connections per node; beyond it new ones are closed at once
   * @param h2c whether HTTP/2 without TLS (prior knowledge or {@code Upgrade: h2c}) is accepted
   * @param h2MaxConcurrentStreams with h2c: the streams one HTTP/2 connection may have open at once
   * @param h2RstFloodMax with h2c: the stream resets a client may send per window before it is cut
   * @param h2RstFloodWindowMs with h2c: the window of {@code h2RstFloodMax}
   */
  public record Http(String host, int port, int instances, long maxBodyBytes, boolean reusePort,
      long idleTimeoutMs, long headTimeoutMs, long bodyTimeoutMs, int maxConnections,
      boolean h2c, int h2MaxConcurrentStreams, int h2RstFloodMax, long h2RstFloodWindowMs) {
  }

  /**
   * @param workers worker verticle instances; one job runs per instance at a time; 0 = one per core
   * @param maxInFlight jobs this node may have in flight before it answers 503
   * @param timeoutMs how long a caller waits for a job before it answers 504
   * @param maxBusyMs the largest {@code ms} a busy job accepts
   * @param maxAttempts how many nodes a repeatable job is tried on when the node running it is lost
   * @param attemptTimeoutMs how often a node holding a repeatable job unanswered is asked whether
   *     it is there, and how long it has to say so before the job goes to another node as well
   *     (the first answer wins); 0 = only when the node leaves
   */
  public record Jobs(int workers, int maxInFlight, long timeoutMs, long maxBusyMs, int maxAttempts,
      long attemptTimeoutMs) {
  }

  /**
   * @param graceMs the longest a drain waits for in-flight requests and jobs
   * @param closeWindowMs how long a draining node keeps answering, with {@code Connection: close},
   *     so keep-alive clients leave on a response rather than on a reset
   */
  public record Drain(long graceMs, long closeWindowMs) {
  }

  /**
   * @param blockRouteEnabled whether {@code GET /demo/block} exists; delete it in a real service
   * @param maxMs the largest {@code ms} the demo route accepts: it blocks an event loop that long
   */
  public record Demo(boolean blockRouteEnabled, long maxMs) {
  }

  /**
   * @param enabled whether the TCP event-bus bridge listens
   * @param host the address it binds; loopback unless other hosts must reach it
   * @param port its port
   * @param frameTimeoutMs a connection whose frame has begun but not ended within this is closed
   * @param idleTimeoutMs a connection with no job in flight and no frame either way for this long is closed
   * @param maxConnections connections the node's bridge holds at once; a connection beyond it is closed
   * @param insecure off loopback, run without TLS anyway (logged at every start)
   * @param tls the TLS listener, or null for plain TCP
   */
  public record Bridge(boolean enabled, String host, int port, long frameTimeoutMs, long idleTimeoutMs,
      int maxConnections, boolean insecure, BridgeTls tls) {
  }

  /**
   * PEM files, each an absolute path or relative to the application home.
   *
   * @param certFile the bridge's certificate (chain)
   * @param keyFile its private key
   * @param clientCaFile the CA certificates a client's certificate must chain to; null = clients show none
   */
  public record BridgeTls(String certFile, String keyFile, String clientCaFile) {
  }

  /**
   * @param configFile the Hazelcast XML file, relative to the application home
   * @param name the start of the secret cluster names a launcher and {@code identity} make; with
   *     {@code insecure}, the cluster name itself
   * @param host the address Hazelcast and the event bus bind and advertise, and only it ({@code -cluster-host})
   * @param port the cluster port; 0 lets Hazelcast choose ({@code -cluster-port})
   * @param identityDir the operator's identity (cluster name and event-bus TLS key), relative to the
   *     application home, or null: a launcher then makes a fresh one, and a node joining by hand refuses
   *     to start unless {@code insecure}
   * @param insecure lets a node join by hand without an identity: the cluster name in clear and a plain
   *     event bus, which anyone who can reach the port and learns the name can use
   */
  public record Cluster(String configFile, String name, String host, int port, String identityDir, boolean insecure) {
  }

  /**
   * @param runDir where the launcher keeps its control socket, pid and log files (mode 0700)
   * @param heartbeatIntervalMs how often the launcher pings each child over the event bus
   * @param heartbeatMisses consecutive unanswered pings after which a child is replaced
   * @param maxMemoryMb a child whose RSS exceeds this is replaced without downtime; 0 = no limit
   * @param readyTimeoutMs how long a new child may take to report ready
   * @param restartBackoffMs the first delay before restarting a child that keeps failing; it doubles
   * @param maxBackoffMs the longest delay between restarts
   * @param crashLoopLimit failed starts in a row after which a child is marked errored
   * @param minUptimeMs a child that dies sooner than this after start counts as a failed start
   */
  public record Supervisor(String runDir, long heartbeatIntervalMs, int heartbeatMisses, long maxMemoryMb,
      long readyTimeoutMs, long restartBackoffMs, long maxBackoffMs, int crashLoopLimit, long minUptimeMs) {
  }

  /**
   * The management listener: {@code GET /metrics} in Prometheus text, never on the public port. In
   * cluster mode the launcher listens here and serves its children's metrics merged; each child
   * listens on a free port of its own, which it tells the launcher.
   *
   * @param enabled whether metrics are collected and served at all (on by default: they cost
   *     /hello about 5 % of its requests a second, docs/BENCHMARKS.md); off, Vert.x runs without its
   *     metrics SPI and nothing listens
   * @param host the address it binds; loopback unless a Prometheus on another host scrapes it
   * @param port its port; 0 picks a free one (tests)
   * @param requirePort false (the default): when another process holds {@code port} (a second
   *     deployment on the host), listen on a free port instead and say which in a WARN line, so
   *     the second deployment still starts; true: refuse to start, as for the HTTP port
   */
  public record Management(boolean enabled, String host, int port, boolean requirePort) {
  }

  /** The number of instances to deploy for a configured count, where 0 means one per core. */
  public static int perCore(int configured) {
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }

  /**
   * Reads the typed configuration out of the merged JSON, checking every bound, and refuses a key
   * that nothing here reads.
   */
  static AppConfig fromJson(JsonObject json) {
    KnownKeys keys = new KnownKeys(json);
    AppConfig config = read(keys.view());
    keys.rejectUnread();
    return config;
  }

  private static AppConfig read(JsonObject json) {
    JsonObject http = section(json, "http");
    JsonObject jobs = section(json, "jobs");
    JsonObject drain = section(json, "drain");
    JsonObject demo = section(json, "demo");
    JsonObject bridge = section(json, "bridge");
    JsonObject cluster = section(json, "cluster");
    JsonObject supervisor = section(json, "supervisor");
    JsonObject management = section(json, "management");
    return new AppConfig(
        new Http(
            string(http, "http.host", "0.0.0.0"),
            port(http, "http.port", 8080),
            atLeast(http, "http.instances", 0, 0),
            atLeast(http, "http.maxBodyBytes", 65536L, 1),
            bool(http, "http.reusePort", false),
            atLeast(http, "http.idleTimeoutMs", 30_000L, 1),
            atLeast(http, "http.headTimeoutMs", 10_000L, 1),
            atLeast(http, "http.bodyTimeoutMs", 10_000L, 1),
            atLeast(http, "http.maxConnections", 10_000, 1),
            bool(http, "http.h2c", false),
            atLeast(http, "http.h2MaxConcurrentStreams", 100, 1),
            atLeast(http, "http.h2RstFloodMax", 200, 1),
            atLeast(http, "http.h2RstFloodWindowMs", 30_000L, 1)),
        new Jobs(
            atLeast(jobs, "jobs.workers", 0, 0),
            atLeast(jobs, "jobs.maxInFlight", 256, 1),
            atLeast(jobs, "jobs.timeoutMs", 30_000L, 1),
            atLeast(jobs, "jobs.maxBusyMs", 60_000L, 0),
            atLeast(jobs, "jobs.maxAttempts", 3, 1),
            atLeast(jobs, "jobs.attemptTimeoutMs", 500L, 0)),
        new Drain(
            atLeast(drain, "drain.graceMs", 10_000L, 0),
            atLeast(drain, "drain.closeWindowMs", 1_000L, 0)),
        new Demo(
            bool(demo, "demo.blockRouteEnabled", false),
            atLeast(demo, "demo.maxMs", 5_000L, 0)),
        new Bridge(
            bool(bridge, "bridge.enabled", false),
            string(bridge, "bridge.host", "127.0.0.1"),
            port(bridge, "bridge.port", 7000),
            atLeast(bridge, "bridge.frameTimeoutMs", 5_000L, 1),
            atLeast(bridge, "bridge.idleTimeoutMs", 60_000L, 1),
            atLeast(bridge, "bridge.maxConnections", 1_000, 1),
            bool(bridge, "bridge.insecure", false),
            bridgeTls(bridge.getValue("tls"))),
        new Cluster(
            string(cluster, "cluster.configFile", "conf/cluster.xml"),
            string(cluster, "cluster.name", "vertx-template"),
            string(cluster, "cluster.host", "127.0.0.1"),
            port(cluster, "cluster.port", 0),
            optionalString(cluster, "cluster.identityDir"),
            bool(cluster, "cluster.insecure", false)),
        new Supervisor(
            string(supervisor, "supervisor.runDir", "run"),
            atLeast(supervisor, "supervisor.heartbeatIntervalMs", 1_000L, 100),
            atLeast(supervisor, "supervisor.heartbeatMisses", 5, 1),
            atLeast(supervisor, "supervisor.maxMemoryMb", 0L, 0),
            atLeast(supervisor, "supervisor.readyTimeoutMs", 60_000L, 1_000),
            atLeast(supervisor, "supervisor.restartBackoffMs", 500L, 0),
            atLeast(supervisor, "supervisor.maxBackoffMs", 15_000L, 0),
            atLeast(supervisor, "supervisor.crashLoopLimit", 5, 1),
            atLeast(supervisor, "supervisor.minUptimeMs", 5_000L, 0)),
        new Management(
            bool(management, "management.enabled", true),
            string(management, "management.host", "127.0.0.1"),
            port(management, "management.port", 9464),
            bool(management, "management.requirePort", false)));
  }

  private static BridgeTls bridgeTls(Object section) {
    if (section == null) {
      return null;
    }
    if (!(section instanceof JsonObject tls)) {
      throw new ConfigException("config: 'bridge.tls' must be an object");
    }
    String certFile = optionalString(tls, "bridge.tls.certFile");
    String keyFile = optionalString(tls, "bridge.tls.keyFile");
    String clientCaFile = optionalString(tls, "bridge.tls.clientCaFile");
    if (certFile == null && keyFile == null && clientCaFile == null) {
      return null;
    }
    if (certFile == null || keyFile == null) {
      throw new ConfigException("config: 'bridge.tls' needs both 'certFile' and 'keyFile'");
    }
    return new BridgeTls(certFile, keyFile, clientCaFile);
  }

  private static JsonObject section(JsonObject json, String name) {
    Object value = json.getValue(name);
    if (value == null) {
      // Put in and read back: an absent section is an empty one, whose keys still count as known.
      json.put(name, new JsonObject());
      return json.getJsonObject(name);
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new ConfigException("config: '" + name + "' must be an object");
  }

  private static String string(JsonObject json, String path, String fallback) {
    Object value = json.getValue(leaf(path), fallback);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new ConfigException("config: '" + path + "' must be a non-empty string");
  }

  /** A string the config may leave out (null then), but not give empty. */
  private static String optionalString(JsonObject json, String path) {
    return json.getValue(leaf(path)) == null ? null : string(json, path, null);
  }

  private static boolean bool(JsonObject json, String path, boolean fallback) {
    Object value = json.getValue(leaf(path), fallback);
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ConfigException("config: '" + path + "' must be true or false");
  }

  private static int port(JsonObject json, String path, int fallback) {
    long port = wholeNumber(json, path, fallback);
    if (port < 0 || port > 65535) {
      throw new ConfigException("config: '" + path + "' must be a port (0-65535), got " + port);
    }
    return (int) port;
  }

  private static int atLeast(JsonObject json, String path, int fallback, int min) {
    return Math.toIntExact(atLeast(json, path, (long) fallback, min));
  }

  private static long atLeast(JsonObject json, String path, long fallback, long min) {
    long number = wholeNumber(json, path, fallback);
    if (number < min || number > Integer.MAX_VALUE) {
      throw new ConfigException(
          "config: '" + path + "' must be between " + min + " and " + Integer.MAX_VALUE + ", got " + number);
    }
    return number;
  }

  private static long wholeNumber(JsonObject json, String path, long fallback) {
    Object value = json.getValue(leaf(path), fallback);
    Long number = WholeNumber.of(value);
    if (number == null) {
      // Json.encode quotes a string, so "8080" does not read like a valid number.
      throw new ConfigException("config: '" + path + "' must be a whole number, got " + io.vertx.core.json.Json.encode(value));
    }
    return number;
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
