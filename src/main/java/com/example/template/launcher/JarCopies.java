package com.example.template.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies of the built jar that processes run from, one file per content
 * ({@code app-<sha-256 prefix>.jar}), written once and never changed: a rebuild replaces
 * {@code target/app.jar}, never a copy, so it cannot change a running JVM (a JVM reads classes
 * from its jar for as long as it runs, and opens it anew for some resources). A child started
 * after a rebuild gets the new build; those already running keep theirs.
 *
 * <p>{@code bin/run.sh} makes the same copies under {@code run/jars}, with the same names: when
 * the launcher already runs from the copy of the current build (in that folder or in its own run
 * directory's), its children run from that same file, so the class-data archive recorded for it
 * fits them too.
 */
public final class JarCopies {

  private static final Logger LOG = LoggerFactory.getLogger(JarCopies.class);
  private static final String PREFIX = "app-";
  private static final String SUFFIX = ".jar";

  private final Path dir;
  private final Path built;
  private final Path running;
  private Path last;
  private Object lastSource; // what the built jar was (size, time, inode) when last was taken

  /**
   * @param dir where the copies live (the run directory's {@code jars/})
   * @param built the jar the build writes
   * @param running the jar this JVM runs from, or null
   */
  public JarCopies(Path dir, Path built, Path running) {
    this.dir = dir;
    this.built = built;
    this.running = running;
  }

  /**
   * The copy of the built jar as it is now, made if needed, for a process about to start. When
   * the built jar is gone (a {@code clean}), the last copy taken.
   *
   * @throws UncheckedIOException when no copy can be had at all
   */
  public synchronized Path take() {
    Object source;
    try {
      source = identity(built);
    } catch (IOException e) {
      if (last != null) {
        LOG.info("{} is missing ({}); starting from the last copy, {}", built, e.getMessage(), last.getFileName());
        return last;
      }
      throw new UncheckedIOException("no runnable jar at " + built, e);
    }
    if (!source.equals(lastSource)) {
      Path copy = isCopyOfBuilt(running) ? running : copy();
      if (last != null && !copy.equals(last)) {
        LOG.info("a new build: the processes started from now on run {}", copy.getFileName());
      }
      last = copy;
      lastSource = source;
    }
    // Each start is a chance to delete the copies of builds whose last process has exited.
    prune();
    return last;
  }

  /**
   * Deletes every copy that is not the current one and that no process has open (a JVM keeps its
   * jar open while it runs): copies of builds that nothing runs any more.
   */
  public synchronized void prune() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Set<Path> open = openCopies();
    try (DirectoryStream<Path> copies = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path copy : copies) {
        Path absolute = copy.toAbsolutePath().normalize();
        if (!absolute.equals(last) && !absolute.equals(running) && !open.contains(absolute)) {
          Files.deleteIfExists(copy);
          LOG.debug("deleted the unused copy {}", copy);
        }
      }
    } catch (IOException e) {
      LOG.info("could not prune the jar copies in {}: {}", dir, e.getMessage());
    }
  }

  // bin/run.sh's copy keeps the built jar's size and time (cp -p): the same build, no hashing.
  // A rebuild that changed nothing (the build is reproducible) has a new time but the same bytes,
  // so the same content hash, which is the copy's name: the same build too, and its class-data
  // archive fits. The copy may live in another run directory's jars/ (bin/run.sh copies into the
  // default one, and the launcher may be given another supervisor.runDir): the children still run
  // that same file, which the archive was recorded from. Whichever jars/ it is in, a process keeps
  // it open while it runs, and neither side deletes a copy that is open.
  private boolean isCopyOfBuilt(Path jar) {
    String name = jar == null ? "" : jar.getFileName().toString();
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || jar.getParent() == null
        || !jar.getParent().getFileName().toString().equals(dir.getFileName().toString())) {
      return false;
    }
    try {
      return Files.size(jar) == Files.size(built)
          && (Files.getLastModifiedTime(jar).equals(Files.getLastModifiedTime(built)) || name.equals(copyName()));
    } catch (IOException e) {
      return false;
    }
  }

  private String copyName() throws IOException {
    return PREFIX + sha256Prefix(built) + SUFFIX;
  }

  private Path copy() {
    try {
      Files.createDirectories(dir);
      Path copy = dir.resolve(copyName()).toAbsolutePath().normalize();
      if (!Files.exists(copy)) {
        // Written aside and moved into place: a copy is whole or absent, even to a JVM started meanwhile.
        Path partial = Files.createTempFile(dir, "partial-", SUFFIX);
        Files.copy(built, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        try {
          Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + built + " into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Object identity(Path jar) throws IOException {
    return Files.readAttributes(jar, "size,lastModifiedTime,fileKey");
  }

  private static String sha256Prefix(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // Every copy some process has open, from /proc/<pid>/fd (only our own processes are readable,
  // and only ours could run our copies).
  private Set<Path> openCopies() {
    Set<Path> open = new HashSet<>();
    Path copies = dir.toAbsolutePath().normalize();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(p -> addOpen(p.resolve("fd"), copies, open));
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("cannot list processes: {}", e.getMessage());
    }
    return open;
  }

  private static void addOpen(Path fds, Path copies, Set<Path> open) {
    try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
      for (Path link : links) {
        try {
          Path target = Files.readSymbolicLink(link);
          if (target.startsWith(copies)) {
            open.add(target);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException | SecurityException e) {
      // another user's process, or gone
    }
  }
}
