package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child runs with the launcher's JVM flags but the launcher's own; a launcher gets those once. */
class JvmCommandTest {

  private static final List<String> LAUNCHER_FLAGS = List.of(
      "-Xmx256m", "-Dio.netty.jfr.enabled=false", "-XX:TieredStopAtLevel=1",
      "-XX:SharedArchiveFile=/a.jsa", "-Dapp.home=/old", "-Dapp.jar=/old.jar");

  @TempDir
  Path home;

  @Test
  void aChildGetsTheSharedFlagsWithoutTheLaunchersOwn() throws IOException {
    writeLauncherOptions("# C1 only\n-XX:TieredStopAtLevel=1\n\n");
    Path jar = home.resolve("run/jars/app-1.jar");

    List<String> child = new JvmCommand(home, home.resolve("target/app.jar"), LAUNCHER_FLAGS)
        .forChild(jar, List.of("-cluster"));

    assertThat(child).contains("-Xmx256m", "-Dio.netty.jfr.enabled=false")
        .doesNotContain("-XX:TieredStopAtLevel=1", "-Dapp.home=/old", "-Dapp.jar=/old.jar")
        // another jar than the one this JVM runs: the archive would not fit it
        .doesNotContain("-XX:SharedArchiveFile=/a.jsa")
        .noneMatch(arg -> arg.startsWith("@"));
    assertThat(child.subList(child.size() - 3, child.size())).containsExactly("-jar", jar.toString(), "-cluster");
    assertThat(child).contains("-Dapp.home=" + home, "-Dapp.jar=" + home.resolve("target/app.jar"));
  }

  @Test
  void aLauncherGetsItsOwnFlagsFromTheFileOnce() throws IOException {
    writeLauncherOptions("-XX:TieredStopAtLevel=1\n");

    List<String> launcher = new JvmCommand(home, home.resolve("target/app.jar"), LAUNCHER_FLAGS)
        .forLauncher(home.resolve("run/jars/app-1.jar"), List.of("--detached"));

    assertThat(launcher).doesNotContain("-XX:TieredStopAtLevel=1")
        .containsOnlyOnce("@" + home.resolve(JvmCommand.LAUNCHER_OPTIONS));
  }

  @Test
  void withoutTheFileEveryProcessGetsTheSameFlags() {
    List<String> launcher = new JvmCommand(home, home.resolve("target/app.jar"), List.of("-Xmx256m"))
        .forLauncher(home.resolve("app.jar"), List.of());

    assertThat(launcher).contains("-Xmx256m").noneMatch(arg -> arg.startsWith("@"));
  }

  private void writeLauncherOptions(String text) throws IOException {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve(JvmCommand.LAUNCHER_OPTIONS), text);
  }
}
