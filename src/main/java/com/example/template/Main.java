package com.example.template;

import com.example.template.cli.RunCommand;
import java.nio.file.Files;
import java.nio.file.Path;

/** The entry point of the runnable jar, used by {@code bin/run.sh} for every mode and verb. */
public final class Main {

  /** System property naming the application home; {@code bin/run.sh} sets it. */
  public static final String HOME_PROPERTY = "app.home";

  private Main() {
  }

  public static void main(String[] args) {
    Path home = Path.of(System.getProperty(HOME_PROPERTY, ".")).toAbsolutePath().normalize();
    configureLogging(home);
    System.exit(RunCommand.execute(home, args));
  }

  /**
   * Routes Vert.x and Hazelcast through SLF4J and points Logback at {@code conf/logback.xml}
   * (unless another file was named). Call it before the first logger exists; the JVM example
   * client does too.
   */
  public static void configureLogging(Path home) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    Path logback = home.resolve("conf/logback.xml");
    if (System.getProperty("logback.configurationFile") == null && Files.isReadable(logback)) {
      System.setProperty("logback.configurationFile", logback.toString());
    }
  }
}
