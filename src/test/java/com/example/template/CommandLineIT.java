package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.ExitCodes;
import com.example.template.support.JarProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user sees when the jar cannot start: one line on stderr that starts with
 * {@code error: } and names the culprit, the exit code of its kind ({@link ExitCodes}: 2 for a
 * bad flag or config, 1 for a node that could not start), and never a stack trace. And the
 * conventions a Vert.x or shell user expects: {@code -V}, conf/ found from any directory, quiet
 * logs.
 */
class CommandLineIT {

  private static final Duration EXIT = Duration.ofSeconds(30);

  /** A mistake on the command line or in the config, and a word its error line must contain. */
  record Mistake(String what, Map<String, String> env, List<String> args, String mentions) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Mistake> mistakes() {
    return Stream.of(
        new Mistake("an unknown flag", Map.of(), List.of("--bogus"), "--bogus"),
        new Mistake("Vert.x 4's -ha (not -h -a)", Map.of(), List.of("-ha"), "'-ha'"),
        new Mistake("Vert.x 4's -worker", Map.of(), List.of("-worker"), "'-worker'"),
        new Mistake("an unknown config key", Map.of(), List.of("-conf", "{\"http\": {\"prot\": 8080}}"),
            "unknown key 'http.prot' (did you mean 'http.port'?)"),
        new Mistake("an unknown config section", Map.of(), List.of("-conf", "{\"jobz\": {}}"),
            "unknown key 'jobz' (did you mean 'jobs'?)"),
        new Mistake("a missing cluster file, found by a node", Map.of(),
            List.of("-cluster", "-conf", "{\"cluster\": {\"configFile\": \"conf/no-such-cluster.xml\", \"insecure\": true}}"),
            "no-such-cluster.xml"),
        new Mistake("-instances -1", Map.of(), List.of("-instances", "-1"), "-instances"),
        new Mistake("-instances that is not a number", Map.of(), List.of("-instances", "many"), "many"),
        new Mistake("-conf naming a missing file", Map.of(), List.of("-conf", "conf/no-such-file.json"),
            "no-such-file.json"),
        new Mistake("-conf with malformed inline JSON", Map.of(), List.of("-conf", "{bad"), "-conf"),
        new Mistake("a config value out of range", Map.of(), List.of("-conf", "{\"jobs\": {\"maxInFlight\": 0}}"),
            "'jobs.maxInFlight'"),
        new Mistake("HTTP_PORT that is not a port", Map.of("HTTP_PORT", "eighty"), List.of(), "HTTP_PORT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void aMistakeIsOneErrorLineAndExitCode2(Mistake mistake) {
    JarProcess.Builder builder = JarProcess.builder().name(mistake.what()).args(mistake.args().toArray(String[]::new));
    mistake.env().forEach(builder::env);
    try (JarProcess app = builder.start()) {
      int exitCode = app.awaitExit(EXIT);

      assertThat(exitCode).as(app.output()).isEqualTo(ExitCodes.USAGE);
      assertThat(app.stderr()).as(app.output()).singleElement().asString()
          .startsWith("error: ").contains(mistake.mentions());
      assertNoStackTrace(app);
      assertThat(app.stdout()).as("it never got as far as starting").noneMatch(line -> line.contains("ready"));
    }
  }

  @Test
  void aConfigMistakeFoundByTheLauncherIsExitCode2Too(@TempDir Path runDir) {
    String conf = "{\"cluster\": {\"configFile\": \"conf/no-such-cluster.xml\"}, \"supervisor\": {\"runDir\": \""
        + runDir + "\"}}";
    try (JarProcess launcher = JarProcess.builder().args("-processes", "1", "-conf", conf).start()) {
      assertThat(launcher.awaitExit(EXIT)).as(launcher.output()).isEqualTo(ExitCodes.USAGE);
      assertThat(launcher.stderr()).as(launcher.output()).singleElement().asString()
          .startsWith("error: ").contains("no-such-cluster.xml");
      assertNoStackTrace(launcher);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-V", "--version"})
  void versionPrintsTheNameAndVersionFromTheBuild(String flag) {
    try (JarProcess app = JarProcess.start(flag)) {
      assertThat(app.awaitExit(EXIT)).as(app.output()).isEqualTo(ExitCodes.OK);
      assertThat(app.stdout()).as(app.output()).hasSize(2);
      assertThat(app.stdout().get(0)).matches("[\\w.-]+ \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
      assertThat(app.stdout().get(1)).startsWith("Vert.x 5.").contains("Java " + Runtime.version().feature());
      assertThat(app.stderr()).isEmpty();
    }
  }

  @Test
  void theJarFindsConfFromAnotherDirectory(@TempDir Path elsewhere) {
    // No -Dapp.home, another working directory: the jar finds conf/ next to target/.
    try (JarProcess app = JarProcess.builder().byHand(JarProcess.appJar(), elsewhere).args("-instances", "1").start()) {
      app.awaitHttpPort(Duration.ofSeconds(60));
      assertThat(app.lines()).as(app.output())
          .noneMatch(line -> line.text().contains("built-in defaults"))
          .noneMatch(line -> line.text().contains("DEBUG"));
    }
  }

  @Test
  void aJarAwayFromAnyConfSaysItRunsOnDefaultsAndStaysQuiet(@TempDir Path elsewhere) throws Exception {
    Path lone = Files.copy(JarProcess.appJar(), elsewhere.resolve("app.jar"));
    try (JarProcess app = JarProcess.builder().byHand(lone, elsewhere).args("-instances", "1").start()) {
      app.awaitHttpPort(Duration.ofSeconds(60));
      assertThat(app.lines()).as(app.output())
          .filteredOn(line -> line.text().contains("running on the built-in defaults")).hasSize(1);
      assertThat(app.lines()).as("no DEBUG noise from a Logback without config: " + app.output())
          .noneMatch(line -> line.text().contains("DEBUG"));
    }
  }

  @Test
  void aClusterPortInUseIsOneClearLineAndExitCode1() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         JarProcess app = JarProcess.start("-cluster", "-cluster-port", Integer.toString(squatter.getLocalPort()),
             "-conf", "{\"cluster\": {\"insecure\": true}}")) {
      int exitCode = app.awaitExit(EXIT);

      assertThat(exitCode).as(app.output()).isEqualTo(ExitCodes.FAILED);
      assertThat(app.stderr()).as(app.output()).containsExactly(
          "error: cannot listen on 127.0.0.1:" + squatter.getLocalPort() + " (cluster): address already in use");
      assertNoStackTrace(app);
    }
  }

  @Test
  void aPortInUseIsOneClearLineAndExitCode1() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
         JarProcess app = JarProcess.builder().env("HTTP_PORT", Integer.toString(squatter.getLocalPort())).start()) {
      int exitCode = app.awaitExit(EXIT);

      assertThat(exitCode).as(app.output()).isEqualTo(ExitCodes.FAILED);
      assertThat(app.stderr()).as(app.output()).singleElement().asString()
          .startsWith("error: ")
          .contains(":" + squatter.getLocalPort())
          .contains("address already in use");
      assertNoStackTrace(app);
    }
  }

  @Test
  void helpListsTheOptionsAndExitsZero() {
    try (JarProcess app = JarProcess.start("--help")) {
      assertThat(app.awaitExit(EXIT)).as(app.output()).isZero();
      assertThat(String.join("\n", app.stdout())).contains("Usage:", "-instances", "-conf", "-cluster");
      assertThat(app.stderr()).isEmpty();
    }
  }

  private static void assertNoStackTrace(JarProcess app) {
    assertThat(app.lines()).as(app.output())
        .noneMatch(line -> line.text().startsWith("\tat ") || line.text().contains("Exception in thread"));
  }
}
