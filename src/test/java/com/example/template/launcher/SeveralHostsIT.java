package com.example.template.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three hosts on one machine, for real: three network namespaces on a bridge, each with its own
 * address and its own launcher with conf/cluster-hosts.xml, one shared identity. The setup and
 * the checks are {@code bench/hosts.sh check}, the benchmark's own code, so the two never drift:
 * <ul>
 *   <li>one cluster forms: every child online, and jobs sent over HTTP on each host run on the two
 *       others (a reply names the node that ran it);</li>
 *   <li>host 3's link cut: hosts 1 and 2 drop it, and their HTTP clients meanwhile see no failed
 *       request and none held for the detection time (a job the silent host holds is sent
 *       elsewhere once it misses the attempt deadline);</li>
 *   <li>the link restored: one cluster again, with no manual step, and jobs reach host 3 from host 1
 *       and hosts 1 and 2 from host 3.</li>
 * </ul>
 * It needs root and ip(8); without them it is skipped, saying why. CI runs as root.
 */
class SeveralHostsIT {

  private static final Pattern SUMMARY = Pattern.compile(
      "hosts check: one cluster (\\d+) ms; link cut: dropped after (\\d+) ms, HTTP (\\d+)/(\\d+) failed, "
          + "slowest (\\d+) ms; merged (\\d+) ms after restore; (\\d+) check\\(s\\) failed");
  private static final long LIMIT_SECONDS = 360;

  private static Process script;

  @Test
  void threeHostsFormOneClusterKeepAnsweringWhenOneIsCutOffAndMergeBack() throws Exception {
    assumeNamespacesCanBeMade();
    Path home = Path.of(System.getProperty("app.home", ".")).toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bench/hosts.sh").toString(), "check")
        .directory(home.toFile())
        .redirectErrorStream(true);
    builder.environment().put("WAIT", "120"); // per wait: six JVMs start on shared cores
    script = builder.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the script is gone; its exit code says how
      }
    });
    reader.start();

    boolean finished = script.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
    reader.join(5_000);
    String output = String.join("\n", lines);
    assertThat(finished).as("bench/hosts.sh check finished within %d s:%n%s", LIMIT_SECONDS, output).isTrue();
    assertThat(script.exitValue()).as("bench/hosts.sh check's exit code:%n%s", output).isZero();

    assertThat(output).as("jobs sent on host 1 ran on hosts 2 and 3").contains("jobs sent on each host run on the two others");
    assertThat(output).contains("host 3 cut: dropped by hosts 1 and 2 after");
    assertThat(output).contains("link restored: every member listed after").contains("jobs flowing both ways after");
    Matcher summary = SUMMARY.matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
    assertThat(summary.matches()).as("the summary line:%n%s", output).isTrue();
    assertThat(Long.parseLong(summary.group(4))).as("HTTP requests sent on hosts 1-2 while host 3 was cut off").isPositive();
    assertThat(Long.parseLong(summary.group(3))).as("of them, failed").isZero();
    assertThat(Long.parseLong(summary.group(7))).as("checks failed").isZero();
  }

  // Stops the script if the test did not see it end (its trap removes what it made), then removes
  // whatever it could not: its namespaces are named vth<its pid>-*.
  @AfterAll
  static void removeTheHosts() throws Exception {
    if (script == null) {
      return;
    }
    if (script.isAlive()) {
      script.destroy();
      if (!script.waitFor(30, TimeUnit.SECONDS)) {
        script.destroyForcibly();
      }
    }
    String prefix = "vth" + script.pid() + "-";
    for (String line : run("ip", "netns", "list")) {
      String namespace = line.split(" ")[0];
      if (namespace.startsWith(prefix)) {
        for (String pid : run("ip", "netns", "pids", namespace)) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
        run("ip", "netns", "del", namespace);
      }
    }
  }

  private static void assumeNamespacesCanBeMade() throws Exception {
    String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("Uid:")).findFirst().orElse("Uid: -1").split("\\s+")[1];
    if (!uid.equals("0")) {
      Assumptions.abort("skipped: needs root to make network namespaces (uid " + uid + "); CI runs it as root");
    }
    for (String tool : new String[] {"ip", "curl"}) {
      if (!onPath(tool)) {
        Assumptions.abort("skipped: no " + tool + " on the PATH (the hosts are made with ip(8), their HTTP clients are curl)");
      }
    }
    String probe = "vthprobe" + ProcessHandle.current().pid();
    if (!succeeds("ip", "netns", "add", probe)) {
      Assumptions.abort("skipped: 'ip netns add' fails here (no CAP_SYS_ADMIN?), so the hosts cannot be made");
    }
    run("ip", "netns", "del", probe);
  }

  private static boolean onPath(String tool) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
  }

  private static boolean succeeds(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  private static List<String> run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(line -> !line.isBlank()).toList();
    process.waitFor(10, TimeUnit.SECONDS);
    return out;
  }
}
