package com.example.template.cli;

import com.example.template.config.ConfigException;
import com.example.template.config.ConfigLoader;
import com.example.template.runtime.ExitCodes;
import com.example.template.security.ClusterIdentity;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/run.sh identity DIR}: makes a cluster identity for the operator to share between the
 * nodes of one deployment (several hosts, Kubernetes, a JVM service that joins): a secret cluster
 * name and an event-bus key with its self-signed certificate, in the layout of a Kubernetes TLS
 * secret. The directory is its owner's only (0700, files 0600), and an existing identity is never
 * overwritten.
 */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = "Makes a cluster identity in DIR (name, tls.crt, tls.key) for cluster.identityDir.")
final class IdentityCommand implements Callable<Integer> {

  @ParentCommand
  RunCommand parent;

  @Parameters(paramLabel = "DIR", description = "A new or empty directory; it is created 0700.")
  Path dir;

  @Option(names = "-conf", paramLabel = "FILE|JSON",
      description = "The configuration whose cluster.name starts the new cluster name, if not conf/config.json.")
  String conf;

  @Override
  public Integer call() {
    String prefix = new ConfigLoader(parent.home).load(conf, System.getenv(), new JsonObject()).cluster().name();
    try {
      ClusterIdentity.generate(prefix).write(dir);
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    System.out.println("wrote a new cluster identity to " + dir.toAbsolutePath()
        + " (name, tls.crt, tls.key; readable by you only)");
    System.out.println("use it on every node of the deployment: \"cluster\": {\"identityDir\": \"" + dir.toAbsolutePath()
        + "\"} or -cluster-identity " + dir.toAbsolutePath());
    return 0;
  }
}
