package com.example.template.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders what the launcher reports about its children for a person, in units a person reads
 * ({@code 3m 12s}, {@code 151.4 MB}, {@code 12.5%}, local times): {@code list}'s table and
 * {@code show}'s details. The JSON the launcher sends ({@code --json}) keeps raw numbers.
 */
final class ChildTable {

  private static final String[] HEADERS = {"id", "name", "pid", "state", "uptime", "restarts", "cpu", "memory", "req/s"};
  private static final DateTimeFormatter LOCAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  // An argument a shell reads as one word without quotes.
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./=:@%+,-]+");

  private ChildTable() {
  }

  /** The first six cells of a child's row, here and in {@code monit}: id, name, pid, state, uptime, restarts. */
  static String[] leadingCells(JsonObject child) {
    boolean running = child.containsKey("pid");
    return new String[] {
        String.valueOf(child.getValue("id")),
        child.getString("name", "-"),
        running ? String.valueOf(child.getLong("pid")) : "-",
        child.getString("state", "-"),
        running ? uptime(child.getLong("uptimeMs", 0L)) : "-",
        String.valueOf(child.getInteger("restarts", 0))};
  }

  static String render(JsonArray children) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (Object item : children) {
      JsonObject child = (JsonObject) item;
      boolean running = child.containsKey("pid");
      rows.add(Stream.concat(Stream.of(leadingCells(child)), Stream.of(
          running ? percent(child.getDouble("cpuPercent", 0.0)) : "-",
          running ? megabytes(child.getLong("rssBytes", 0L)) : "-",
          running ? rate(child.getDouble("reqPerSec", 0.0)) : "-")).toArray(String[]::new));
    }
    StringBuilder table = new StringBuilder();
    aligned(rows).forEach(line -> table.append(line).append('\n'));
    for (Object item : children) {
      JsonObject child = (JsonObject) item;
      if (child.containsKey("lastError") && !"online".equals(child.getString("state"))) {
        table.append("slot ").append(child.getValue("id")).append(": ").append(child.getString("lastError")).append('\n');
      }
    }
    return table.toString();
  }

  /** One child as {@code show} prints it: what is known of it, a line each, then its history. */
  static String details(JsonObject child) {
    StringBuilder text = new StringBuilder();
    line(text, "id", String.valueOf(child.getValue("id")));
    line(text, "name", child.getString("name", "-"));
    line(text, "state", child.getString("state"));
    if (child.containsKey("pid")) {
      line(text, "node", child.getString("node", "(not ready yet)"));
      line(text, "pid", String.valueOf(child.getLong("pid")));
      line(text, "started at", localTime(child.getLong("startedAt")));
      line(text, "uptime", child.getLong("uptimeMs", 0L) > 0 ? uptime(child.getLong("uptimeMs")) : "(not online yet)");
    }
    line(text, "restarts", String.valueOf(child.getInteger("restarts", 0)));
    if (child.containsKey("pid")) {
      line(text, "cpu", percent(child.getDouble("cpuPercent", 0.0)));
      line(text, "memory", megabytes(child.getLong("rssBytes", 0L)) + " resident, "
          + megabytes(child.getLong("heapUsedBytes", 0L)) + " heap used");
      line(text, "requests", child.getLong("requests", 0L) + " in all, " + rate(child.getDouble("reqPerSec", 0.0)) + "/s now");
      line(text, "jobs in flight", String.valueOf(child.getInteger("jobsInFlight", 0)));
      if (child.containsKey("workerUse")) {
        line(text, "workers busy", child.getString("workerUse")
            + (child.containsKey("jobsQueued") ? ", " + child.getValue("jobsQueued") + " job(s) queued" : ""));
      }
      if (child.containsKey("p99Ms")) {
        line(text, "http p99", "<= " + child.getValue("p99Ms") + " ms over the last heartbeat");
      }
      line(text, "missed heartbeats", String.valueOf(child.getInteger("missedHeartbeats", 0)));
    }
    if (child.containsKey("replacement")) {
      line(text, "replacement", child.getString("replacement") + " (starting)");
    }
    if (child.containsKey("logFile")) {
      line(text, "log file", child.getString("logFile"));
    }
    if (child.containsKey("lastExit")) {
      line(text, "last exit", exit(child.getJsonObject("lastExit")));
    }
    if (child.containsKey("lastError")) {
      line(text, "last error", child.getString("lastError"));
    }
    if (child.containsKey("command")) {
      line(text, "command", command(child.getJsonArray("command")));
    }
    JsonArray replacements = child.getJsonArray("replacements", new JsonArray());
    if (!replacements.isEmpty()) {
      text.append("restarted or replaced (newest last):\n");
      for (Object item : replacements) {
        JsonObject event = (JsonObject) item;
        text.append("  ").append(localTime(event.getLong("at"))).append("  ")
            .append(event.getString("child")).append(": ").append(event.getString("reason")).append('\n');
      }
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format("%-18s %s%n", label, value));
  }

  private static String exit(JsonObject exit) {
    String how = exit.containsKey("signal")
        ? "killed by " + exit.getString("signal") + " (code " + exit.getInteger("code") + ")"
        : "code " + exit.getInteger("code");
    return exit.getString("child") + ", " + how + ", at " + localTime(exit.getLong("at"));
  }

  private static String command(JsonArray words) {
    List<String> shown = new ArrayList<>();
    for (Object word : words) {
      String arg = String.valueOf(word);
      shown.add(PLAIN_WORD.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", shown);
  }

  /** The rows as lines, each column as wide as its widest cell plus two spaces; no trailing blanks. */
  static List<String> aligned(List<String[]> rows) {
    int[] widths = new int[rows.stream().mapToInt(row -> row.length).max().orElse(0)];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /** {@code 45s}, {@code 3m 12s}, {@code 2h 5m}, {@code 3d 4h}: two units at most, as a person says it. */
  static String uptime(long ms) {
    Duration d = Duration.ofMillis(ms);
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return d.toSeconds() + "s";
  }

  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f%%", value);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.1f", perSecond);
  }

  private static String localTime(long epochMs) {
    return LOCAL_TIME.format(Instant.ofEpochMilli(epochMs));
  }
}
