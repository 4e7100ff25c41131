package com.example.template;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package picture of docs/ARCHITECTURE.md, kept true: which of the application's packages
 * each package may use, no loop between packages, and no package outside the picture. A new
 * package, or an import against the direction, fails here with the rule it breaks; change the
 * picture on purpose (the table below and the doc together), never by accident.
 *
 * <p>It reads the compiled classes, so a compile-time constant (a {@code static final} String or
 * number), which javac copies into its user, leaves no trace: the rule sees types, methods and
 * fields.
 */
class ArchitectureTest {

  private static final String ROOT = Main.class.getPackageName();

  /**
   * What each package may use of the application's own packages, from the bottom up. Everything
   * else (the JDK, Vert.x, Hazelcast, ...) is free.
   */
  private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
      Map.entry("config", Set.of()),
      Map.entry("lifecycle", Set.of()),
      Map.entry("metrics", Set.of("config")),
      Map.entry("security", Set.of("config")),
      Map.entry("api", Set.of("config")),
      Map.entry("control", Set.of("config", "security")),
      Map.entry("runtime", Set.of("api", "config", "metrics", "security")),
      Map.entry("work", Set.of("api", "config")),
      Map.entry("http", Set.of("api", "config", "lifecycle", "metrics", "work")),
      Map.entry("bridge", Set.of("api", "config", "work")),
      Map.entry("child", Set.of("control", "lifecycle")),
      Map.entry("node", Set.of("api", "bridge", "child", "config", "http", "lifecycle", "metrics", "runtime", "work")),
      Map.entry("launcher", Set.of("config", "control", "metrics", "runtime", "security")),
      Map.entry("cli", Set.of("child", "config", "control", "launcher", "node", "runtime", "security")));

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  static Stream<String> packages() {
    return MAY_USE.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("packages")
  void aPackageUsesOnlyWhatLiesBelowIt(String pack) {
    Set<String> allowed = MAY_USE.get(pack);
    String[] forbidden = Stream.concat(MAY_USE.keySet().stream(), Stream.of(""))
        .filter(other -> !other.equals(pack) && !allowed.contains(other))
        .sorted()
        .map(other -> other.isEmpty() ? ROOT : ROOT + "." + other + "..")
        .toArray(String[]::new);

    noClasses().that().resideInAPackage(ROOT + "." + pack + "..")
        .should().dependOnClassesThat().resideInAnyPackage(forbidden)
        .because(pack + " may use only " + (allowed.isEmpty() ? "no package of ours" : new TreeSet<>(allowed))
            + " (docs/ARCHITECTURE.md)")
        .check(CLASSES);
  }

  @Test
  void theEntryPointOnlyRunsTheCommandLine() {
    String[] below = MAY_USE.keySet().stream().filter(pack -> !pack.equals("cli"))
        .map(pack -> ROOT + "." + pack + "..").toArray(String[]::new);

    noClasses().that().resideInAPackage(ROOT)
        .should().dependOnClassesThat().resideInAnyPackage(below)
        .because("Main hands everything to cli")
        .check(CLASSES);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void everyPackageHasItsPlaceInThePicture() {
    Set<String> packages = CLASSES.stream()
        .map(JavaClass::getPackageName)
        .filter(name -> name.startsWith(ROOT + "."))
        .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
        .collect(Collectors.toCollection(TreeSet::new));

    assertThat(packages).as("packages of %s; a new one needs its row in MAY_USE and in docs/ARCHITECTURE.md", ROOT)
        .containsExactlyInAnyOrderElementsOf(MAY_USE.keySet());
  }
}
