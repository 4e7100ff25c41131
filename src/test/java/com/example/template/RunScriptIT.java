package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.runtime.ExitCodes;
import com.example.template.support.Commands;
import com.example.template.support.Commands.Result;
import com.example.template.support.JarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/run.sh} in a home whose sources are newer than its jar and whose build fails (a
 * {@code mvnw} that only fails): the verbs never build and still reach for the launcher, and
 * what builds refuses to go on when the build fails.
 */
class RunScriptIT {

  @TempDir
  Path home;

  private Path buildRan;

  @BeforeEach
  void homeWithABrokenBuild() throws IOException {
    Path real = JarProcess.appHome();
    Files.createDirectories(home.resolve("bin"));
    Files.copy(real.resolve("bin/run.sh"), home.resolve("bin/run.sh"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(home.resolve("conf"));
    for (String file : List.of("jvm.options", "logback.xml", "config.json")) {
      Files.copy(real.resolve("conf").resolve(file), home.resolve("conf").resolve(file));
    }
    Files.createDirectories(home.resolve("target"));
    Path jar = Files.copy(JarProcess.appJar(), home.resolve("target/app.jar"));
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.createDirectories(home.resolve("src/main/java"));
    Files.writeString(home.resolve("src/main/java/Broken.java"), "class Broken { this does not compile }");
    Files.writeString(home.resolve("pom.xml"), "<project/>");
    buildRan = home.resolve("build-ran");
    Path mvnw = Files.writeString(home.resolve("mvnw"),
        "#!/bin/sh\necho '[ERROR] COMPILATION ERROR (a stand-in build)'\ntouch '" + buildRan + "'\nexit 1\n");
    mvnw.toFile().setExecutable(true);
    // A config the verbs must not need: it no longer parses.
    Files.writeString(home.resolve("conf/config.json"), "{\"http\": {\"port\": 8080,");
  }

  @Test
  void theVerbsNeitherBuildNorNeedAValidTree() throws Exception {
    for (String verb : List.of("list", "stop", "logs", "logs 1", "monit", "show 1")) {
      Result run = runSh(verb.split(" "));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.NO_LAUNCHER);
      assertThat(run.stderr()).as(run.toString()).singleElement().asString()
          .startsWith("error: no ").contains(home.resolve("run").toString());
    }
    Result version = runSh("-V");
    assertThat(version.exitCode()).as(version.toString()).isZero();
    assertThat(buildRan).as("no verb ran the build").doesNotExist();
  }

  @Test
  void reloadRefusesAFailingBuild() throws Exception {
    Result run = runSh("reload");

    assertThat(buildRan).exists();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BUILD_FAILED);
    assertThat(run.stderr().stream().filter(line -> line.startsWith("error: ")).toList()).as(run.toString())
        .containsExactly("error: the build failed (above); nothing was reloaded, every child runs as before");
  }

  @Test
  void runningRefusesAFailingBuild() throws Exception {
    Result run = runSh("-instances", "1");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.BUILD_FAILED);
    assertThat(run.stderr().stream().filter(line -> line.startsWith("error: ")).toList()).as(run.toString())
        .containsExactly("error: the build failed (above); nothing was started");
  }

  @Test
  void aVerbRunsTheLastCopyWhenTheJarIsGoneAndSaysSoWhenThereIsNone() throws Exception {
    assertThat(runSh("list").exitCode()).isEqualTo(ExitCodes.NO_LAUNCHER); // makes run/jars/app-<sha>.jar
    Files.delete(home.resolve("target/app.jar"));

    Result withCopy = runSh("list");
    assertThat(withCopy.exitCode()).as(withCopy.toString()).isEqualTo(ExitCodes.NO_LAUNCHER);

    try (var copies = Files.newDirectoryStream(home.resolve("run/jars"))) {
      for (Path copy : copies) {
        Files.delete(copy);
      }
    }
    Result none = runSh("list");
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCodes.BUILD_FAILED);
    assertThat(none.stderr()).as(none.toString()).singleElement().asString().startsWith("error: no runnable jar at ");
    assertThat(buildRan).doesNotExist();
  }

  private Result runSh(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/run.sh").toString()));
    command.addAll(List.of(args));
    return Commands.run(command, home, Map.of("JAVA_HOME", System.getProperty("java.home")), Duration.ofSeconds(60));
  }
}
