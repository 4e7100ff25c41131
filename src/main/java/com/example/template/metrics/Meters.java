package com.example.template.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The meters of one Vert.x instance, in a Prometheus registry of its own: Vert.x's (event bus,
 * worker pools, clients, through {@code vertx-micrometer-metrics}; the HTTP servers' through
 * {@link HttpServerMeters}, see {@link VertxMeters}), the JVM's (memory, GC, threads, CPU) and the
 * application's ({@link JobOutcomes}, {@link EventLoopProbe}).
 *
 * <p>Set up where Vert.x is built ({@link #builder}), then found again from the Vert.x instance by
 * whatever needs it ({@link #of}), through the instance's local shared data: no signature between
 * the two has to carry it, and a Vert.x built without metrics (most tests) simply has none.
 */
public final class Meters implements Shareable {

  /** The HTTP servers' latency timer ({@link HttpServerMeters}): one of the two meters given histogram buckets. */
  static final String HTTP_RESPONSE_TIME = "vertx.http.server.response.time";

  // Latency buckets (Prometheus "le"), from the fast path (/hello answers in well under a
  // millisecond) to the job timeout. A handful on purpose: Micrometer's own percentile histogram
  // is about 70 buckets per series, times method, code and route.
  static final Duration[] LATENCY_BUCKETS = Stream.of(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0,
      250.0, 500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0, 30_000.0)
      .map(ms -> Duration.ofNanos((long) (ms * 1_000_000))).toArray(Duration[]::new);

  private static final String LOCAL_MAP = Meters.class.getName();
  private static final String KEY = "meters";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  // Vert.x keeps backend registries in a JVM-wide map by name: a name of its own per instance, so
  // two Vert.x in one JVM (tests) never share or close each other's registry.
  private final String registryName = "vertx-" + UUID.randomUUID();
  private final Collection<String> jobAddresses;

  /**
   * @param jobAddresses the public job addresses: each node also listens on {@code address@<node
   *     id>}, which the event-bus meters fold into one {@code address@*} series
   */
  public Meters(Collection<String> jobAddresses) {
    this.jobAddresses = jobAddresses;
    registry.config().meterFilter(latencyBuckets());
  }

  /** A Vert.x builder whose instance reports to these meters. */
  public VertxBuilder builder(VertxOptions options) {
    return Vertx.builder()
        .with(options.setMetricsOptions(options()))
        .withMetrics(vertxOptions -> new VertxMeters(new MicrometerMetricsFactory(registry).metrics(vertxOptions), registry));
  }

  /** Makes these meters findable from the Vert.x they measure; returns it. */
  public Vertx attach(Vertx vertx) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put(KEY, this);
    return vertx;
  }

  /** The meters of this Vert.x, or null when it was built without metrics. */
  public static Meters of(Vertx vertx) {
    return (Meters) vertx.sharedData().getLocalMap(LOCAL_MAP).get(KEY);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Everything, in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  MicrometerMetricsOptions options() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // Vert.x's defaults (method, code, pool type and name, event-bus side) plus the route
        // (the route's pattern, never the raw path) and the event-bus address. Never the remote
        // or local address: one series per client, or per ephemeral port.
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
            Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE, Label.EB_ADDRESS));
    for (Match match : addressFolds()) {
      options.addLabelMatch(match);
    }
    return options;
  }

  /**
   * The per-node and per-child addresses, each folded into one series: {@code work.busy@<node id>}
   * becomes {@code work.busy@*}, {@code work.cancel@<node id>} {@code work.cancel@*}, and the
   * launcher's control addresses {@code supervisor.<launcher id>.*} {@code supervisor.*}. Without
   * this every restart of a child would start new series that never end.
   */
  List<Match> addressFolds() {
    List<Match> folds = new ArrayList<>();
    for (String address : jobAddresses) {
      folds.add(fold(Pattern.quote(address) + "@.+", address + "@*"));
    }
    folds.add(fold("work\\.cancel@.+", "work.cancel@*"));
    folds.add(fold("supervisor\\..+", "supervisor.*"));
    return folds;
  }

  private static Match fold(String regex, String alias) {
    return new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
        .setType(MatchType.REGEX).setValue(regex).setAlias(alias);
  }

  private static MeterFilter latencyBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_RESPONSE_TIME) && !id.getName().equals(EventLoopProbe.METER)) {
          return config;
        }
        double[] nanos = Stream.of(LATENCY_BUCKETS).mapToDouble(Duration::toNanos).toArray();
        return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
      }
    };
  }
}
