package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.support.JarProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a user sees when the jar cannot start: one line on stderr that starts with
 * {@code error: } and names the culprit, a non-zero exit code (2 for a bad flag or config, 1 for
 * a node that could not start), and never a stack trace.
 */
class CommandLineIT {

  private static final Duration EXIT = Duration.ofSeconds(30);
  private static final String HELP_HINT = "Try 'bin/run.sh --help' for the options.";

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

      assertThat(exitCode).as(app.output()).isEqualTo(2);
      List<String> errors = app.stderr().stream().filter(line -> line.startsWith("error: ")).toList();
      assertThat(errors).as(app.output()).singleElement().asString().contains(mistake.mentions());
      assertThat(app.stderr()).as("nothing but the error line and the help hint")
          .allMatch(line -> line.startsWith("error: ") || line.equals(HELP_HINT));
      assertNoStackTrace(app);
      assertThat(app.stdout()).as("it never got as far as starting").noneMatch(line -> line.contains("ready"));
    }
  }

  @Test
  void aPortInUseIsOneClearLineAndExitCode1() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
         JarProcess app = JarProcess.builder().env("HTTP_PORT", Integer.toString(squatter.getLocalPort())).start()) {
      int exitCode = app.awaitExit(EXIT);

      assertThat(exitCode).as(app.output()).isEqualTo(1);
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
