package com.example.template.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges scrapes in the Prometheus text format (version 0.0.4) into one, each sample labelled with
 * where it came from: {@code vertx_http_server_requests_total{code="200",...}} scraped from
 * {@code app-1.1} becomes {@code vertx_http_server_requests_total{child="app-1.1",code="200",...}}.
 * The format wants each metric family in one group under a single {@code # HELP} and
 * {@code # TYPE}: the families are gathered across the sources, in the order first seen, and the
 * first source's help and type lines kept.
 */
public final class PrometheusText {

  private final String label;
  private final Map<String, Family> families = new LinkedHashMap<>();

  /** @param label the label every sample gets, naming its source: {@code child} */
  public PrometheusText(String label) {
    this.label = label;
  }

  /** Adds one source's scrape, each of its samples labelled {@code label="source"}. */
  public PrometheusText add(String source, String scrape) {
    String labelPair = label + "=\"" + escape(source) + "\"";
    Family family = null;
    for (String line : scrape.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          family = families.computeIfAbsent(parts[2], Family::new);
          family.header(parts[1], line);
        }
        continue;
      }
      String name = sampleName(line);
      if (family == null || !name.startsWith(family.name)) {
        family = families.computeIfAbsent(name, Family::new); // a sample without a TYPE line
      }
      family.samples.add(labelled(line, name, labelPair));
    }
    return this;
  }

  /** Everything added, one group per family. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (Family family : families.values()) {
      if (family.help != null) {
        out.append(family.help).append('\n');
      }
      if (family.type != null) {
        out.append(family.type).append('\n');
      }
      family.samples.forEach(sample -> out.append(sample).append('\n'));
    }
    return out.toString();
  }

  private static String sampleName(String line) {
    int end = 0;
    while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
      end++;
    }
    return line.substring(0, end);
  }

  // The new label goes first: after the name's '{', or in a '{}' of its own. Never after the
  // last label, whose value may hold any character.
  private static String labelled(String line, String name, String labelPair) {
    String rest = line.substring(name.length());
    if (rest.startsWith("{}")) {
      return name + "{" + labelPair + rest.substring(1);
    }
    if (rest.startsWith("{")) {
      return name + "{" + labelPair + "," + rest.substring(1);
    }
    return name + "{" + labelPair + "}" + rest;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Family {
    final String name;
    final List<String> samples = new ArrayList<>();
    String help;
    String type;

    Family(String name) {
      this.name = name;
    }

    void header(String kind, String line) {
      if (kind.equals("HELP") && help == null) {
        help = line;
      } else if (kind.equals("TYPE") && type == null) {
        type = line;
      }
    }
  }
}
