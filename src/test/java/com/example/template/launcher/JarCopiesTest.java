package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copies of the built jar: one per build, never changed, deleted once nothing runs them. */
class JarCopiesTest {

  @TempDir
  Path dir;

  @Test
  void oneCopyPerBuildNamedByItsContent() throws IOException {
    Path built = build("first build");
    JarCopies copies = new JarCopies(dir.resolve("jars"), built, null);

    Path copy = copies.take();

    assertThat(copy.getParent()).isEqualTo(dir.resolve("jars"));
    assertThat(copy.getFileName().toString()).matches("app-[0-9a-f]{16}\\.jar");
    assertThat(Files.mismatch(copy, built)).isEqualTo(-1L);
    assertThat(Files.getLastModifiedTime(copy)).as("the build's time, by which bin/run.sh's copy is known")
        .isEqualTo(Files.getLastModifiedTime(built));
    assertThat(copies.take()).as("the same build: the same copy").isEqualTo(copy);
    assertThat(new JarCopies(dir.resolve("jars"), built, null).take()).as("named by content").isEqualTo(copy);
  }

  @Test
  void aNewBuildGetsANewCopyAndTheOldOneGoesOnceNothingHasItOpen() throws IOException {
    Path built = build("first build");
    JarCopies copies = new JarCopies(dir.resolve("jars"), built, null);
    Path first = copies.take();

    try (FileChannel running = FileChannel.open(first)) { // a child still runs the first build
      rebuild(built, "second build");
      Path second = copies.take();

      assertThat(second).isNotEqualTo(first);
      assertThat(Files.readString(second)).isEqualTo("second build");
      assertThat(first).as("open by a process: kept").exists();
      assertThat(Files.readString(first)).isEqualTo("first build");
    }
    copies.take();
    assertThat(first).as("open by nobody: deleted at the next start").doesNotExist();
  }

  @Test
  void withTheBuiltJarGoneTheLastCopyServes() throws IOException {
    Path built = build("first build");
    JarCopies copies = new JarCopies(dir.resolve("jars"), built, null);
    Path first = copies.take();

    Files.delete(built); // ./mvnw clean

    assertThat(copies.take()).isEqualTo(first);
  }

  @Test
  void aLauncherRunningFromTheCopyOfTheCurrentBuildGivesItsChildrenThatCopy() throws IOException {
    Path built = build("first build");
    Path jars = Files.createDirectories(dir.resolve("jars"));
    // bin/run.sh's copy: another name scheme would do, as long as size and time are the build's.
    Path running = Files.copy(built, jars.resolve("app-0123456789abcdef.jar"), StandardCopyOption.COPY_ATTRIBUTES);

    Path copy = new JarCopies(jars, built, running).take();

    assertThat(copy).isEqualTo(running);
    try (var files = Files.list(jars)) {
      assertThat(files).containsExactly(running);
    }
  }

  @Test
  void soDoesALauncherGivenAnotherRunDirectory() throws IOException {
    Path built = build("first build");
    // bin/run.sh copied into the default run/jars; the launcher's supervisor.runDir is elsewhere.
    Path defaultJars = Files.createDirectories(dir.resolve("run/jars"));
    Path running = Files.copy(built, defaultJars.resolve("app-0123456789abcdef.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    Path ownJars = dir.resolve("elsewhere/jars");

    Path copy = new JarCopies(ownJars, built, running).take();

    assertThat(copy).isEqualTo(running);
    assertThat(ownJars).as("no second copy of the same build").doesNotExist();

    rebuild(built, "second build");
    assertThat(new JarCopies(ownJars, built, running).take()).as("a newer build: a copy of its own")
        .isNotEqualTo(running).startsWith(ownJars);
  }

  @Test
  void aRebuildThatChangedNothingKeepsTheRunningCopy() throws IOException {
    Path built = build("the same build");
    Path defaultJars = Files.createDirectories(dir.resolve("run/jars"));
    Path running = Files.copy(built, defaultJars.resolve(copyName(built)), StandardCopyOption.COPY_ATTRIBUTES);
    Path ownJars = dir.resolve("elsewhere/jars");

    rebuild(built, "the same build"); // a reproducible build: the same bytes, a new time

    assertThat(new JarCopies(ownJars, built, running).take()).isEqualTo(running);
    assertThat(ownJars).as("no second copy of the same content").doesNotExist();
  }

  private static String copyName(Path jar) throws IOException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar));
      return "app-" + HexFormat.of().formatHex(digest).substring(0, 16) + ".jar";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path build(String content) throws IOException {
    Path built = Files.createDirectories(dir.resolve("target")).resolve("app.jar");
    Files.writeString(built, content);
    Files.setLastModifiedTime(built, FileTime.from(Instant.parse("2026-01-01T10:00:00Z")));
    return built;
  }

  private static void rebuild(Path built, String content) throws IOException {
    Files.writeString(built, content);
    Files.setLastModifiedTime(built, FileTime.from(Instant.parse("2026-01-01T11:00:00Z")));
  }
}
