package com.example.template.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link AppConfig} from its sources, in one place and in this order, later winning:
 * the defaults in {@link AppConfig}; {@code conf/config.json} under the application home, or the
 * {@code -conf} argument instead of it (a file, or inline JSON, as in Vert.x); the environment
 * ({@code HTTP_PORT}, {@code MANAGEMENT_PORT}); the command-line flags.
 */
public final class ConfigLoader {

  /** The default config file, relative to the application home. */
  public static final String DEFAULT_FILE = "conf/config.json";

  private final Path home;

  /** @param home the application home: relative paths in the config resolve against it */
  public ConfigLoader(Path home) {
    this.home = home;
  }

  /**
   * @param confArg the {@code -conf} value, or null for {@code conf/config.json}
   * @param env the process environment
   * @param flags values from command-line flags, as a partial config (e.g. {@code http.instances})
   */
  public AppConfig load(String confArg, Map<String, String> env, JsonObject flags) {
    JsonObject json = confArg == null ? readFile(home.resolve(DEFAULT_FILE), false) : readArgument(confArg);
    applyEnvironment(json, env);
    json.mergeIn(flags, true);
    resolveBridgeFiles(json);
    return AppConfig.fromJson(json);
  }

  /**
   * Where the launcher keeps its control socket: {@code supervisor.runDir}, read leniently. The
   * verbs that only talk to a running launcher need nothing else, and must work when the config
   * has since been broken: a config that cannot be read, or that has no usable value, gives the
   * default.
   *
   * @param confArg the {@code -conf} value, or null for {@code conf/config.json}
   */
  public Path runDir(String confArg) {
    String fallback = AppConfig.fromJson(new JsonObject()).supervisor().runDir();
    JsonObject json;
    try {
      json = confArg == null ? readFile(home.resolve(DEFAULT_FILE), false) : readArgument(confArg);
    } catch (ConfigException e) {
      return resolve(fallback);
    }
    Object supervisor = json.getValue("supervisor");
    Object runDir = supervisor instanceof JsonObject section ? section.getValue("runDir") : null;
    return resolve(runDir instanceof String s && !s.isBlank() ? s : fallback);
  }

  /** Whether there is a {@code conf/config.json} to read, when no {@code -conf} names another. */
  public boolean hasDefaultFile() {
    return Files.exists(home.resolve(DEFAULT_FILE));
  }

  // The bridge's TLS files, like the cluster file, are relative to the home, wherever the node was
  // started from; the bridge reads them as given.
  private void resolveBridgeFiles(JsonObject json) {
    if (json.getValue("bridge") instanceof JsonObject bridge && bridge.getValue("tls") instanceof JsonObject tls) {
      for (String key : List.of("certFile", "keyFile", "clientCaFile")) {
        if (tls.getValue(key) instanceof String file && !file.isBlank()) {
          tls.put(key, home.resolve(file).toString());
        }
      }
    }
  }

  /** Resolves a path from the config against the application home. */
  public Path resolve(String path) {
    return home.resolve(path);
  }

  private JsonObject readArgument(String confArg) {
    String trimmed = confArg.trim();
    if (trimmed.startsWith("{")) {
      return parse(trimmed, "-conf");
    }
    return readFile(Path.of(confArg), true);
  }

  private static JsonObject readFile(Path file, boolean required) {
    if (!Files.exists(file) && !required) {
      return new JsonObject();
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ConfigException("config: cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static JsonObject parse(String text, String source) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("config: " + source + " is not a JSON object: " + firstLine(e.getMessage()), e);
    }
  }

  private static void applyEnvironment(JsonObject json, Map<String, String> env) {
    applyPort(json, env, "HTTP_PORT", "http");
    applyPort(json, env, "MANAGEMENT_PORT", "management");
  }

  private static void applyPort(JsonObject json, Map<String, String> env, String variable, String section) {
    String port = env.get(variable);
    if (port == null || port.isBlank()) {
      return;
    }
    int number;
    try {
      number = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("config: " + variable + " must be a port number, got '" + port + "'");
    }
    if (!(json.getValue(section, new JsonObject()) instanceof JsonObject object)) {
      throw new ConfigException("config: '" + section + "' must be an object");
    }
    json.put(section, object.put("port", number));
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
