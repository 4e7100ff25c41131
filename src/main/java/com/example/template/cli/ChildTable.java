package com.example.template.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Renders what the launcher reports about its children, for {@code list} and {@code show}. */
final class ChildTable {

  private static final String[] HEADERS = {"id", "name", "pid", "state", "uptime", "restarts", "cpu", "memory", "requests"};

  private ChildTable() {
  }

  static String render(JsonArray children) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (Object item : children) {
      JsonObject child = (JsonObject) item;
      rows.add(new String[] {
          String.valueOf(child.getValue("id")),
          child.getString("name", "-"),
          child.containsKey("pid") ? String.valueOf(child.getLong("pid")) : "-",
          child.getString("state"),
          child.containsKey("pid") ? uptime(child.getLong("uptimeMs", 0L)) : "-",
          String.valueOf(child.getInteger("restarts", 0)),
          child.containsKey("cpuPercent") ? child.getDouble("cpuPercent") + "%" : "-",
          child.containsKey("rssBytes") ? megabytes(child.getLong("rssBytes")) : "-",
          child.containsKey("requests") ? String.valueOf(child.getLong("requests")) : "-"});
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        table.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      table.setLength(table.toString().stripTrailing().length());
      table.append('\n');
    }
    for (Object item : children) {
      JsonObject child = (JsonObject) item;
      if (child.containsKey("lastError") && !"online".equals(child.getString("state"))) {
        table.append("slot ").append(child.getValue("id")).append(": ").append(child.getString("lastError")).append('\n');
      }
    }
    return table.toString();
  }

  static String details(JsonObject child) {
    StringBuilder text = new StringBuilder();
    child.forEach(entry -> {
      Object value = entry.getValue();
      String shown = switch (entry.getKey()) {
        case "uptimeMs" -> uptime(child.getLong("uptimeMs"));
        case "rssBytes", "heapUsedBytes" -> megabytes(((Number) value).longValue());
        case "cpuPercent" -> value + "%";
        default -> String.valueOf(value);
      };
      text.append(String.format("%-18s %s%n", entry.getKey(), shown));
    });
    return text.toString();
  }

  private static String uptime(long ms) {
    Duration d = Duration.ofMillis(ms);
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
    return d.toSeconds() + "s";
  }

  private static String megabytes(long bytes) {
    return String.format("%.1f MB", bytes / (1024.0 * 1024.0));
  }
}
