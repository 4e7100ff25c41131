package com.example.template;

import com.example.template.cli.Installation;
import com.example.template.cli.RunCommand;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The entry point of the runnable jar, used by {@code bin/run.sh} for every mode and verb, and by
 * {@code ./mvnw compile exec:java}.
 */
public final class Main {

  /** System property naming the application home (the folder with {@code conf/}); bin/run.sh sets it. */
  public static final String HOME_PROPERTY = "app.home";

  /**
   * System property naming the jar the build writes ({@code target/app.jar}), when this JVM runs
   * from a copy of it: a launcher copies it again for the children it starts after a rebuild.
   */
  public static final String JAR_PROPERTY = "app.jar";

  private static final String LOGBACK_FALLBACK = "logback-fallback.xml";

  private Main() {
  }

  public static void main(String[] args) {
    Path running = runningJar();
    Path home = home(running);
    configureLogging(home);
    String built = System.getProperty(JAR_PROPERTY);
    Installation installation = new Installation(home, built != null ? Path.of(built).toAbsolutePath() : running, running);
    System.exit(RunCommand.execute(installation, args));
  }

  /**
   * Routes Vert.x and Hazelcast through SLF4J and points Logback at {@code conf/logback.xml}
   * (unless another file was named), or at a quiet fallback inside the jar when there is no
   * {@code conf/} (without any file, Logback prints its own DEBUG status and every library's
   * DEBUG lines). Call it before the first logger exists; the JVM example client does too.
   */
  public static void configureLogging(Path home) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (System.getProperty("logback.configurationFile") == null) {
      Path logback = home.resolve("conf/logback.xml");
      System.setProperty("logback.configurationFile", Files.isReadable(logback) ? logback.toString() : LOGBACK_FALLBACK);
    }
  }

  /**
   * The application home: {@code -Dapp.home} if set (bin/run.sh, exec:java, the children), else
   * the folder around the jar that has a {@code conf/} (the project, for {@code target/app.jar};
   * the jar's own folder, for a jar shipped next to its {@code conf/}), else the working directory.
   */
  static Path home(Path running) {
    String set = System.getProperty(HOME_PROPERTY);
    if (set != null) {
      return Path.of(set).toAbsolutePath().normalize();
    }
    if (running != null) {
      for (Path dir = running.getParent(); dir != null && dir.getNameCount() >= running.getNameCount() - 2;
          dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve("conf"))) {
          return dir;
        }
      }
    }
    return Path.of("").toAbsolutePath();
  }

  /** The jar this JVM runs from, or null when it runs from class folders (exec:java, an IDE). */
  static Path runningJar() {
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return null;
    }
    try {
      Path location = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
      return Files.isRegularFile(location) ? location : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
