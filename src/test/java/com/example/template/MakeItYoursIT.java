package com.example.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.template.support.Commands;
import com.example.template.support.Commands.Result;
import com.example.template.support.JarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/make-it-yours} on a git copy of this tree, without Maven (CI builds and tests a
 * renamed copy in full): what it refuses, with one {@code error:} line, exit code 2 and the tree
 * untouched; and that a rename leaves nothing named after what it renamed.
 */
class MakeItYoursIT {

  @TempDir
  Path copy;

  @TempDir
  Path elsewhere;

  @BeforeEach
  void gitCopyOfThisTree() throws Exception {
    Path home = JarProcess.appHome();
    Result files = run(List.of("git", "ls-files", "-z"), home);
    assertThat(files.exitCode()).as(files.toString()).isZero();
    for (String file : String.join("\n", files.stdout()).split("\0")) {
      Path source = home.resolve(file);
      if (!file.isEmpty() && Files.isRegularFile(source)) {
        Path target = copy.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    git("init", "-q");
    commitAll();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"com.acme.class", "com..acme", "1com.acme", "acme", "com.acme-orders", "com.acme.", "com.acme.new"})
  void anInvalidPackageIsRefused(String pack) throws Exception {
    Result run = makeItYours(copy, pack, "orders-service");

    assertRefused(run, "package");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Orders", "orders_service", "orders.service", "orders-", "9orders"})
  void anInvalidArtifactIdIsRefused(String artifact) throws Exception {
    Result run = makeItYours(copy, "com.acme.orders", artifact);

    assertRefused(run, "artifactId '" + artifact + "'");
  }

  @Test
  void aDirtyTreeIsRefused() throws Exception {
    Files.writeString(copy.resolve("README.md"), "\nan edit not committed\n", StandardOpenOption.APPEND);

    Result run = makeItYours(copy, "com.acme.orders", "orders-service");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr()).as(run.toString()).singleElement().asString().startsWith("error: ").contains("uncommitted changes");
    assertThat(git("status", "--porcelain")).as("only the user's own edit").containsExactly(" M README.md");
  }

  @Test
  void missingArgumentsAreAUsageError() throws Exception {
    Result run = makeItYours(copy, "com.acme.orders");

    assertRefused(run, "usage: bin/make-it-yours PACKAGE ARTIFACT");
    assertThat(makeItYours(copy, "--help").exitCode()).isZero();
  }

  @Test
  void aRenameFromAnotherDirectoryLeavesNothingNamedTheOldWay() throws Exception {
    String oldPackage = pomValue("main.class").replaceAll("\\.Main$", "");
    String oldArtifact = pomValue("artifactId");
    boolean demo = Files.exists(copy.resolve("src/main/java/" + oldPackage.replace('.', '/') + "/http/DemoRoutes.java"));

    Result run = demo
        ? makeItYours(elsewhere, "org.sample.billing", "billing-service", "--no-demo")
        : makeItYours(elsewhere, "org.sample.billing", "billing-service");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString()).anyMatch(line -> line.contains(oldPackage + " -> org.sample.billing"));
    assertThat(copy.resolve("src/main/java/org/sample/billing/Main.java")).isRegularFile();
    assertThat(copy.resolve("src/test/java/org/sample/billing/config/ConfigLoaderTest.java")).isRegularFile();
    assertThat(copy.resolve("src/main/java/" + oldPackage.replace('.', '/'))).doesNotExist();
    assertThat(pomValue("artifactId")).isEqualTo("billing-service");
    assertThat(pomValue("groupId")).isEqualTo("org.sample");
    assertThat(Files.readString(copy.resolve("conf/cluster-kubernetes.xml"))).contains("<service-name>billing-service</service-name>");
    assertThat(Files.readString(copy.resolve("conf/config.json"))).contains("\"name\": \"billing-service\"");
    List<String> left = git("grep", "-n", "-i", "-F", "-e", oldPackage, "-e", oldArtifact, "-e", oldPackage.replace('.', '/'));
    assertThat(left).as("only the note of origin names what was renamed").allMatch(line -> line.contains("Note of origin:"));
    if (demo) {
      assertThat(git("ls-files", "*DemoRoutes*")).as("the demo and its test").isEmpty();
      assertThat(Files.readString(copy.resolve("src/main/java/org/sample/billing/http/Routes.java"))).doesNotContain("DemoRoutes");
      assertThat(Files.readString(copy.resolve("src/main/java/org/sample/billing/config/AppConfig.java"))).doesNotContain("Demo");
      assertThat(Files.readString(copy.resolve("README.md"))).doesNotContain("<!-- demo -->", "/demo/block");
      assertThat(Files.readString(copy.resolve("conf/config.json"))).doesNotContain("\"demo\"");
    }

    Result again = makeItYours(copy, "org.sample.other", "other-service");
    assertThat(again.exitCode()).as("its own changes, not committed yet: " + again).isEqualTo(2);
    assertThat(again.stderr()).singleElement().asString().contains("uncommitted changes");
  }

  @Test
  void aDemoMarkerMissingIsAnErrorAndChangesNothing() throws Exception {
    String oldPackage = pomValue("main.class").replaceAll("\\.Main$", "");
    assumeTrue(Files.exists(copy.resolve("src/main/java/" + oldPackage.replace('.', '/') + "/http/DemoRoutes.java")),
        "the demo is gone already");
    Path readme = copy.resolve("README.md");
    Files.writeString(readme, Files.readString(readme).replace("<!-- /demo -->", ""));
    commitAll();

    Result run = makeItYours(copy, "org.sample.billing", "billing-service", "--no-demo");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stderr()).as(run.toString()).singleElement().asString().startsWith("error: ").contains("<!-- /demo -->");
    assertThat(git("status", "--porcelain")).as("nothing changed").isEmpty();
  }

  private void assertRefused(Result run, String mentions) throws Exception {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr()).as(run.toString()).singleElement().asString().startsWith("error: ").contains(mentions);
    assertThat(run.stdout()).as(run.toString()).isEmpty();
    assertThat(git("status", "--porcelain")).as("the tree is untouched").isEmpty();
  }

  private Result makeItYours(Path workingDirectory, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(copy.resolve("bin/make-it-yours").toString()));
    command.addAll(List.of(args));
    return run(command, workingDirectory);
  }

  private void commitAll() throws Exception {
    git("add", "-A");
    git("-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "the template");
  }

  private List<String> git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Result result = run(command, copy);
    assertThat(result.exitCode()).as(result.toString()).isIn(0, 1); // git grep: 1 = no match
    return result.stdout();
  }

  private String pomValue(String element) throws IOException {
    Matcher matcher = Pattern.compile("<" + Pattern.quote(element) + ">([^<]*)</").matcher(Files.readString(copy.resolve("pom.xml")));
    assertThat(matcher.find()).as(element + " in pom.xml").isTrue();
    return matcher.group(1);
  }

  private static Result run(List<String> command, Path directory) throws Exception {
    return Commands.run(command, directory, Duration.ofSeconds(60));
  }
}
