package com.example.template.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for tests that start real processes (run directories, identities, key
 * files), all under one root per test JVM that is removed when that JVM exits. Without it every
 * run of the suite left about 30 directories in {@code /tmp}, each launcher's holding its copies
 * of the 35 MB jar: 40 GB after fifty runs on the development machine.
 *
 * <p>The processes {@link JarProcess} starts get the root as their {@code java.io.tmpdir} too, and
 * pass it on to the children they fork, so what they leave behind when a test kills them (Vert.x's
 * file cache directory, which a killed JVM cannot remove) goes with it.
 *
 * <p>The root stays under the system's temporary directory, not {@code target/}: a run directory
 * holds the launcher's Unix socket, whose path may not exceed 107 bytes. Run the suite with
 * {@code -Dtest.keepScratch=true} to keep the root and read a failed run's logs; its path is
 * printed then.
 */
public final class ScratchDirs {

  private static final Path ROOT = createRoot();

  private ScratchDirs() {
  }

  /** A new empty directory whose name starts with {@code prefix}. */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(ROOT, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory in " + ROOT, e);
    }
  }

  /** The root every scratch directory is in; the temporary directory of the processes tests start. */
  public static Path root() {
    return ROOT;
  }

  private static Path createRoot() {
    Path root;
    try {
      root = Files.createTempDirectory("it-scratch-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the tests' scratch root", e);
    }
    if (Boolean.getBoolean("test.keepScratch")) {
      System.err.println("test.keepScratch: the tests' scratch directories are kept in " + root);
    } else {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> removeQuietly(root), "remove-scratch-dirs"));
    }
    return root;
  }

  // At exit nothing is left to report to: what cannot be removed (a process still writing) stays.
  private static void removeQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove all of " + root + ": " + e);
    }
  }
}
