package com.example.template.cli;

import com.example.template.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that say what to run, shared by the foreground command and {@code start}. The
 * names are Vert.x's, plus {@code -processes} for cluster mode.
 */
final class NodeOptions {

  @Option(names = "-instances", paramLabel = "N",
      description = "HTTP verticle instances per JVM; 0 = one per core (default: http.instances in the config).")
  Integer instances;

  @Option(names = "-processes", paramLabel = "N",
      description = "Run a launcher that forks N child JVMs in one cluster and supervises them; 0 = one per core.")
  Integer processes;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "Configuration file or inline JSON, instead of conf/config.json.")
  String conf;

  @Option(names = "-cluster", description = "Join the Hazelcast cluster described by cluster.configFile.")
  boolean cluster;

  @Option(names = "-cluster-host", paramLabel = "HOST", description = "Address the cluster binds and advertises.")
  String clusterHost;

  @Option(names = "-cluster-port", paramLabel = "PORT",
      description = "Cluster port of this JVM (in cluster mode: of the launcher; children take free ones).")
  Integer clusterPort;

  @Option(names = "-cluster-identity", paramLabel = "DIR",
      description = "The cluster's identity directory, made by 'identity DIR' (default: cluster.identityDir; "
          + "a launcher without one makes a fresh private one).")
  Path clusterIdentity;

  /** The flags as a partial config, so the same checks apply to them as to the file. */
  JsonObject asConfig() {
    JsonObject flags = new JsonObject();
    if (instances != null) {
      if (instances < 0) {
        throw new ConfigException("-instances must be 0 (one per core) or more, got " + instances);
      }
      flags.put("http", new JsonObject().put("instances", instances));
    }
    JsonObject cluster = new JsonObject();
    if (clusterHost != null) {
      cluster.put("host", clusterHost);
    }
    if (clusterPort != null) {
      cluster.put("port", clusterPort);
    }
    if (clusterIdentity != null) {
      // Absolute: typed relative to the shell's directory, not the application home.
      cluster.put("identityDir", clusterIdentity.toAbsolutePath().toString());
    }
    if (!cluster.isEmpty()) {
      flags.put("cluster", cluster);
    }
    return flags;
  }

  /** The number of child JVMs: 0 means one per core. */
  int resolvedProcesses() {
    if (processes < 0) {
      throw new ConfigException("-processes must be 0 (one per core) or more, got " + processes);
    }
    return processes == 0 ? Runtime.getRuntime().availableProcessors() : processes;
  }

  /** The options a child JVM inherits from its launcher (the identity reaches it on stdin instead). */
  List<String> forChild() {
    List<String> args = new ArrayList<>();
    if (instances != null) {
      args.addAll(List.of("-instances", instances.toString()));
    }
    if (conf != null) {
      args.addAll(List.of("-conf", conf));
    }
    if (clusterHost != null) {
      args.addAll(List.of("-cluster-host", clusterHost));
    }
    return args;
  }

  /** These options as they were given, for a launcher started in the background. */
  List<String> asArguments() {
    List<String> args = forChild();
    if (processes != null) {
      args.addAll(List.of("-processes", processes.toString()));
    }
    if (clusterPort != null) {
      args.addAll(List.of("-cluster-port", clusterPort.toString()));
    }
    if (clusterIdentity != null) {
      args.addAll(List.of("-cluster-identity", clusterIdentity.toAbsolutePath().toString()));
    }
    return args;
  }
}
