package com.example.template.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds the keys of a config that nothing read: a typo ({@code "prot"}) would otherwise be
 * ignored and its default used without a word. {@link #view()} is the config as {@link AppConfig}
 * reads it; every key looked up through it, by any {@code JsonObject} getter, counts as known, so
 * a key added to {@code AppConfig.fromJson} is known without being listed anywhere else. Read
 * every key unconditionally, so that a key is known whatever the other values are.
 */
final class KnownKeys {

  private final JsonObject source;
  private final Set<String> read = new LinkedHashSet<>(); // in the order read: ties go to the first
  private final JsonObject view;

  KnownKeys(JsonObject source) {
    this.source = source;
    this.view = track(source, "");
  }

  /** The same config, recording each key it is asked for. */
  JsonObject view() {
    return view;
  }

  /**
   * @throws ConfigException naming the first key nothing read, and the known key nearest to it
   */
  void rejectUnread() {
    rejectUnread(source, "");
  }

  private void rejectUnread(JsonObject json, String prefix) {
    for (String key : json.fieldNames()) {
      String path = prefix + key;
      if (!read.contains(path)) {
        String nearest = nearest(path);
        throw new ConfigException("config: unknown key '" + path + "'"
            + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"));
      }
      // A section whose keys were read one by one; an object read whole is a value.
      if (json.getValue(key) instanceof JsonObject nested && readBelow(path)) {
        rejectUnread(nested, path + ".");
      }
    }
  }

  private JsonObject track(JsonObject json, String prefix) {
    return new JsonObject(new Tracking(json, prefix));
  }

  // A JSON object's map that records each key looked up; objects in it, and objects put in it
  // (an absent section read as an empty one), are tracked too.
  private final class Tracking extends LinkedHashMap<String, Object> {
    private final String prefix;

    Tracking(JsonObject json, String prefix) {
      this.prefix = prefix;
      json.forEach(entry -> super.put(entry.getKey(), tracked(entry.getKey(), entry.getValue())));
    }

    private Object tracked(String key, Object value) {
      return value instanceof JsonObject nested ? track(nested, prefix + key + ".") : value;
    }

    @Override
    public Object put(String key, Object value) {
      return super.put(key, tracked(key, value));
    }

    @Override
    public Object get(Object key) {
      read.add(prefix + key);
      return super.get(key);
    }

    @Override
    public Object getOrDefault(Object key, Object fallback) {
      read.add(prefix + key);
      return super.getOrDefault(key, fallback);
    }

    @Override
    public boolean containsKey(Object key) {
      read.add(prefix + key);
      return super.containsKey(key);
    }
  }

  private boolean readBelow(String path) {
    return read.stream().anyMatch(known -> known.startsWith(path + "."));
  }

  // The known key most like the unknown one: a sibling first ('http.prot' -> 'http.port'), else
  // a key of that name in another section ('prot' -> 'http.port'). None when nothing is close.
  private String nearest(String unknown) {
    String parent = parent(unknown);
    String name = leaf(unknown);
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String known : read) {
      boolean section = read.stream().anyMatch(other -> other.startsWith(known + "."));
      if (section && !parent(known).equals(parent)) {
        continue; // a section is suggested only for a mistyped section
      }
      int distance = distance(name, leaf(known));
      int score = distance * 2 + (parent(known).equals(parent) ? 0 : 1);
      boolean close = distance <= Math.max(1, name.length() / 3);
      if (close && score < bestScore) {
        best = known;
        bestScore = score;
      }
    }
    return best;
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  // Edits from one to the other (insert, delete, replace, swap two neighbours), ignoring case:
  // 'HTTP.Port' and 'prot' are near misses of 'port', not strangers.
  private static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[][] d = new int[x.length() + 1][y.length() + 1];
    for (int i = 0; i <= x.length(); i++) {
      for (int j = 0; j <= y.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1 && j > 1 && x.charAt(i - 1) == y.charAt(j - 2) && x.charAt(i - 2) == y.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length()][y.length()];
  }
}
