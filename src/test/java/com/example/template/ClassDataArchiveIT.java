package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archives {@code bin/run.sh} records, in a home of its own with the built jar: one
 * per role, so that the README's first run (one node, no Hazelcast) does not leave a cluster with
 * an archive that holds half its classes. Measured before the split: every child of
 * {@code -processes 2} online after 5.0 to 5.6 s with a lone node's archive, 3.2 to 3.9 s with a
 * launcher's.
 */
class ClassDataArchiveIT {

  private static final Pattern CHILD_ONLINE = Pattern.compile("app-\\d+\\.\\d+ online \\(pid (\\d+)");
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir
  Path home;

  @BeforeEach
  void homeWithTheBuiltJar() throws IOException {
    Path real = JarProcess.appHome();
    Files.createDirectories(home.resolve("bin"));
    Files.copy(real.resolve("bin/run.sh"), home.resolve("bin/run.sh"));
    home.resolve("bin/run.sh").toFile().setExecutable(true);
    Files.createDirectories(home.resolve("conf"));
    try (Stream<Path> files = Files.list(real.resolve("conf"))) {
      for (Path file : files.toList()) {
        Files.copy(file, home.resolve("conf").resolve(file.getFileName()));
      }
    }
    // Sources older than the jar: bin/run.sh runs it without building.
    Instant anHourAgo = Instant.now().minusSeconds(3600);
    Files.createDirectories(home.resolve("src/main"));
    Files.setLastModifiedTime(home.resolve("src/main"), FileTime.from(anHourAgo));
    Files.setLastModifiedTime(Files.writeString(home.resolve("pom.xml"), "<project/>"), FileTime.from(anHourAgo));
    Files.createDirectories(home.resolve("target"));
    Files.copy(JarProcess.appJar(), home.resolve("target/app.jar"));
  }

  @Test
  void aLoneNodeAndAClusterEachRecordTheirOwnArchiveAndTheChildrenMapTheLaunchers() throws Exception {
    runUntilAndStop(List.of("-instances", "1"), JarProcess.READY_LINE);
    assertThat(archives()).as("after one node ran").singleElement().asString().endsWith("-node.jsa");

    runUntilAndStop(List.of("-processes", "1", "-instances", "1"), CHILD_ONLINE);
    assertThat(archives()).as("after a launcher ran").hasSize(2)
        .anySatisfy(name -> assertThat(name).endsWith("-node.jsa"))
        .anySatisfy(name -> assertThat(name).endsWith("-cluster.jsa"));
    Path clusterArchive = home.resolve("target").resolve(archives().stream()
        .filter(name -> name.endsWith("-cluster.jsa")).findFirst().orElseThrow());

    try (JarProcess launcher = runScript("-processes", "1", "-instances", "1")) {
      long child = Long.parseLong(launcher.awaitLine(CHILD_ONLINE, START).group(1));
      String mapped = "-XX:SharedArchiveFile=" + clusterArchive;
      assertThat(commandLine(launcher.pid())).as(launcher.output()).contains(mapped);
      assertThat(commandLine(child)).as(launcher.output()).contains(mapped);
      launcher.signal("TERM");
      assertThat(launcher.awaitExit(START)).as(launcher.output()).isZero();
    }
    assertThat(archives()).as("a run that maps an archive records none").hasSize(2);
  }

  private void runUntilAndStop(List<String> args, Pattern until) {
    try (JarProcess run = runScript(args.toArray(String[]::new))) {
      run.awaitLine(until, START);
      run.signal("TERM");
      // The archive is written as the JVM exits.
      assertThat(run.awaitExit(START)).as(run.output()).isZero();
    }
  }

  private JarProcess runScript(String... args) {
    return JarProcess.builder().name("run.sh " + String.join(" ", args)).throughRunScript(home).args(args).start();
  }

  private List<String> archives() throws IOException {
    try (Stream<Path> files = Files.list(home.resolve("target"))) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".jsa")).sorted().toList();
    }
  }

  private static List<String> commandLine(long pid) throws IOException {
    String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
    return Arrays.asList(raw.split("\0"));
  }
}
