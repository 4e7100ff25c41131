package com.example.template.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's merge of its children's scrapes, on the text format itself. */
class PrometheusTextTest {

  private static final String CHILD = """
      # HELP app_jobs_total Jobs sent
      # TYPE app_jobs_total counter
      app_jobs_total{address="work.busy",outcome="ok"} 3.0
      # HELP process_uptime_seconds The uptime
      # TYPE process_uptime_seconds gauge
      process_uptime_seconds 12.5
      # HELP lat_seconds Latency
      # TYPE lat_seconds histogram
      lat_seconds_bucket{le="0.001"} 1
      lat_seconds_bucket{le="+Inf"} 2
      lat_seconds_count 2
      lat_seconds_sum 0.01
      """;

  @Test
  void eachSampleIsLabelledWithItsSourceAndEachFamilyStaysOneGroup() {
    String merged = new PrometheusText("child")
        .add("app-1.1", CHILD)
        .add("app-2.1", CHILD.replace("3.0", "4.0"))
        .text();

    assertThat(merged).isEqualTo("""
        # HELP app_jobs_total Jobs sent
        # TYPE app_jobs_total counter
        app_jobs_total{child="app-1.1",address="work.busy",outcome="ok"} 3.0
        app_jobs_total{child="app-2.1",address="work.busy",outcome="ok"} 4.0
        # HELP process_uptime_seconds The uptime
        # TYPE process_uptime_seconds gauge
        process_uptime_seconds{child="app-1.1"} 12.5
        process_uptime_seconds{child="app-2.1"} 12.5
        # HELP lat_seconds Latency
        # TYPE lat_seconds histogram
        lat_seconds_bucket{child="app-1.1",le="0.001"} 1
        lat_seconds_bucket{child="app-1.1",le="+Inf"} 2
        lat_seconds_count{child="app-1.1"} 2
        lat_seconds_sum{child="app-1.1"} 0.01
        lat_seconds_bucket{child="app-2.1",le="0.001"} 1
        lat_seconds_bucket{child="app-2.1",le="+Inf"} 2
        lat_seconds_count{child="app-2.1"} 2
        lat_seconds_sum{child="app-2.1"} 0.01
        """);
  }

  @Test
  void aFamilyOnlyOneSourceHasIsKeptAndLabelValuesAreEscaped() {
    String merged = new PrometheusText("child")
        .add("a\"b", "# TYPE only_here gauge\nonly_here{x=\"}{ \"} 1\n")
        .text();
    assertThat(merged).isEqualTo("# TYPE only_here gauge\nonly_here{child=\"a\\\"b\",x=\"}{ \"} 1\n");
  }
}
