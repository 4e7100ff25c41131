package com.example.template.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code -V} / {@code --version} prints: the application's name and version, from the build, and what it runs on. */
final class Version implements IVersionProvider {

  @Override
  public String[] getVersion() throws IOException {
    Properties app = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/app.properties")) {
      if (in != null) {
        app.load(in);
      }
    }
    return new String[] {
        app.getProperty("name", "app") + " " + app.getProperty("version", "(unknown version)"),
        "Vert.x " + vertxVersion() + ", Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
  }

  // vertx-core ships its version as a resource, which survives shading (a manifest does not).
  private static String vertxVersion() throws IOException {
    try (InputStream in = Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
      return in == null ? "(unknown version)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }
}
