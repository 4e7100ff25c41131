package com.example.template.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.template.bridge.BridgeVerticle;
import com.example.template.config.AppConfig;
import com.example.template.config.ConfigLoader;
import com.example.template.runtime.VertxFactory;
import com.example.template.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code docs/EVENTBUS.md} is the contract other services code against, and {@link JobApi} is its
 * one home in the code: this test fails as soon as the two disagree, in either direction. It reads
 * the doc's tables as a reader would: a row that names a constant ({@code `BusyJob.ADDRESS`}) must
 * also show its value, and a real reply must have exactly the fields the doc lists.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class EventBusDocTest {

  private static final Path DOC = Path.of("docs/EVENTBUS.md");

  /**
   * The jobs the template ships: the registry's, less those the tests add (a test-only job such
   * as {@code ReverseJob} proves the README's steps, and has no row here).
   */
  private static final List<Job> SHIPPED = Jobs.all().stream()
      .filter(job -> !job.getClass().getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/test-classes/"))
      .toList();

  /** The classes whose constants the doc may name; each named constant must exist, with its value. */
  private static final Map<String, Class<?>> SOURCES = sources();

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern REFERENCE = Pattern.compile("^(" + String.join("|", SOURCES.keySet()) + ")\\.(\\w+)(\\(.*\\))?$");
  private static final Pattern JOB_ADDRESS = Pattern.compile("^work\\.[a-z.]+$");
  private static final Pattern CONFIG_DEFAULT = Pattern.compile("`(\\w+\\.\\w+)` \\(config, default `([^`]+)`\\)");

  private static Doc doc;

  @BeforeAll
  static void readTheDoc() throws IOException {
    doc = Doc.parse(Files.readAllLines(DOC));
  }

  @Test
  void everyPublicConstantOfJobApiIsInATableWithItsValue() throws Exception {
    for (Field field : constants(JobApi.class)) {
      String name = "JobApi." + field.getName();
      List<List<String>> rows = doc.rowsNaming(name);
      assertThat(rows).as("table rows naming `%s` in %s", name, DOC).isNotEmpty();
      for (List<String> row : rows) {
        assertShowsValue(codeSpans(row), name, field.get(null));
      }
    }
  }

  @Test
  void everyConstantTheDocNamesExistsAndShowsItsValue() throws Exception {
    for (String reference : doc.everyCodeSpan()) {
      Matcher matcher = REFERENCE.matcher(reference);
      if (!matcher.matches()) {
        continue;
      }
      Class<?> source = SOURCES.get(matcher.group(1));
      String member = matcher.group(2);
      if (matcher.group(3) != null) {
        assertThat(Arrays.stream(source.getMethods()).map(Method::getName))
            .as("the doc names %s", reference).contains(member);
        continue;
      }
      Object value = source.getField(member).get(null);
      Pattern withValue = Pattern.compile(Pattern.quote("`" + reference + "`") + " \\(`([^`]*)`\\)");
      for (String line : doc.linesNaming(reference)) {
        Matcher shown = withValue.matcher(line);
        boolean beside = false;
        while (shown.find()) {
          beside = true;
          assertThat(shown.group(1)).as("the value shown beside `%s`", reference).isEqualTo(String.valueOf(value));
        }
        if (line.startsWith("|")) {
          assertShowsValue(codeSpans(List.of(line)), reference, value);
        } else if (!beside && !(value instanceof Collection)) {
          // A set is listed in its table (checked above); a single value is shown wherever it is named.
          throw new AssertionError("`" + reference + "` is named without its value: " + line);
        }
      }
    }
  }

  // JobApi, the classes the doc names for other constants, and every shipped job class: a new job's
  // `FooJob.ADDRESS` is checked without an edit here.
  private static Map<String, Class<?>> sources() {
    Map<String, Class<?>> sources = new LinkedHashMap<>();
    sources.put("JobApi", JobApi.class);
    sources.put("BridgeVerticle", BridgeVerticle.class);
    sources.put("VertxFactory", VertxFactory.class);
    SHIPPED.forEach(job -> sources.put(job.getClass().getSimpleName(), job.getClass()));
    return sources;
  }

  // A registry set as the shipped jobs make it, without the addresses of test-only jobs.
  private static Object shipped(Object value) {
    if (!(value instanceof Collection<?> values)) {
      return value;
    }
    Set<String> testOnly = Jobs.all().stream().filter(job -> !SHIPPED.contains(job)).map(Job::address)
        .collect(Collectors.toSet());
    return values.stream().filter(v -> !testOnly.contains(v)).toList();
  }

  /** A table row that names a constant shows its value; a collection's, all of them and no more. */
  private static void assertShowsValue(Set<String> spansOfRow, String reference, Object named) {
    Object value = shipped(named);
    if (value instanceof Collection<?> values) {
      Set<String> shown = new LinkedHashSet<>(spansOfRow);
      shown.remove(reference);
      assertThat(shown).as("the values shown beside `%s`", reference)
          .isEqualTo(values.stream().map(String::valueOf).collect(Collectors.toSet()));
    } else {
      assertThat(spansOfRow).as("a row naming `%s` shows its value", reference).contains(String.valueOf(value));
    }
  }

  @Test
  void theFailureCodesAreExactlyJobApisCodes() throws Exception {
    Set<String> documented = doc.table("Failure codes", "Code").stream()
        .map(row -> codeSpans(List.of(row.get(0))).iterator().next())
        .collect(Collectors.toSet());
    Set<String> inCode = new LinkedHashSet<>();
    for (Field field : constants(JobApi.class)) {
      if (field.getType() == int.class) {
        inCode.add(String.valueOf(field.getInt(null)));
      }
    }
    assertThat(documented).isEqualTo(inCode);
  }

  @Test
  void everyJobAddressInTheDocIsPublicAndEachPublicAddressHasItsSection() {
    Set<String> named = doc.everyCodeSpan().stream().filter(span -> JOB_ADDRESS.matcher(span).matches()).collect(Collectors.toSet());
    assertThat(JobApi.PUBLIC_ADDRESSES).containsAll(named);
    assertThat(doc.addressSections().keySet()).containsExactlyElementsOf(SHIPPED.stream().map(Job::address).toList());
  }

  @Test
  void theHeadersTableListsExactlyJobApisHeaders() throws Exception {
    Set<String> documented = doc.table("Headers", "Header").stream()
        .map(row -> codeSpans(List.of(row.get(0))).iterator().next())
        .collect(Collectors.toSet());
    Set<String> inCode = new LinkedHashSet<>();
    for (Field field : constants(JobApi.class)) {
      if (field.getName().startsWith("HEADER_")) {
        inCode.add((String) field.get(null));
      }
    }
    assertThat(documented).isEqualTo(inCode);
  }

  @Test
  void theConfigDefaultsTheDocGivesAreTheShippedOnes() throws Exception {
    AppConfig shipped = new ConfigLoader(Path.of(".")).load(null, Map.of(), new JsonObject());
    Map<String, String> documented = new LinkedHashMap<>();
    for (List<String> row : doc.table("Switching it on", "Key")) {
      documented.put(codeSpans(List.of(row.get(0))).iterator().next(), codeSpans(List.of(row.get(1))).iterator().next());
    }
    Matcher inline = CONFIG_DEFAULT.matcher(doc.text());
    while (inline.find()) {
      documented.put(inline.group(1), inline.group(2));
    }
    assertThat(documented).containsKeys("bridge.enabled", "bridge.host", "bridge.port", "jobs.maxBusyMs", "jobs.timeoutMs");
    for (Map.Entry<String, String> entry : documented.entrySet()) {
      assertThat(entry.getValue()).as("the default of %s", entry.getKey()).isEqualTo(setting(shipped, entry.getKey()));
    }
  }

  @Test
  void eachJobTakesTheDocsExampleAndRepliesWithExactlyTheDocsFields(Vertx vertx) throws Exception {
    TestNodes.deploy(vertx, "{\"http\": {\"port\": 0, \"instances\": 1}, \"jobs\": {\"workers\": 1}}").await(20, TimeUnit.SECONDS);
    for (Map.Entry<String, Section> entry : doc.addressSections().entrySet()) {
      String address = entry.getKey();
      Section section = entry.getValue();
      assertThat(section.exampleRequest).as("the example request of %s", address).isNotNull();
      JsonObject example = new JsonObject(section.exampleRequest);
      assertThat(section.requestFields).as("request fields of %s", address).containsAll(example.fieldNames());

      Message<JsonObject> reply = vertx.eventBus().<JsonObject>request(address, example).await(10, TimeUnit.SECONDS);

      assertThat(reply.body().fieldNames()).as("the fields of a real %s reply", address)
          .containsExactlyInAnyOrderElementsOf(section.replyFields);
    }
  }

  private static List<Field> constants(Class<?> type) {
    List<Field> constants = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)) {
        constants.add(field);
      }
    }
    return constants;
  }

  private static Set<String> codeSpans(List<String> cells) {
    Set<String> spans = new LinkedHashSet<>();
    cells.forEach(cell -> {
      Matcher matcher = CODE.matcher(cell);
      while (matcher.find()) {
        spans.add(matcher.group(1));
      }
    });
    return spans;
  }

  /** A setting of the config record by its JSON path, e.g. {@code jobs.timeoutMs}. */
  private static String setting(AppConfig config, String path) throws Exception {
    String[] parts = path.split("\\.");
    Object section = AppConfig.class.getMethod(parts[0]).invoke(config);
    return String.valueOf(section.getClass().getMethod(parts[1]).invoke(section));
  }

  /** One job address's part of the doc. */
  static final class Section {
    String exampleRequest;
    final List<String> requestFields = new ArrayList<>();
    final List<String> replyFields = new ArrayList<>();
  }

  /** The doc read as its readers see it: headings, tables (with their labels) and code spans. */
  record Doc(List<String> prose, List<Table> tables, Map<String, Section> addressSections) {

    record Table(String heading, String label, List<String> header, List<List<String>> rows) {
    }

    private static final Pattern ADDRESS_HEADING = Pattern.compile("^### `(work\\.[a-z.]+)`$");

    static Doc parse(List<String> lines) {
      List<String> prose = new ArrayList<>();
      List<Table> tables = new ArrayList<>();
      Map<String, Section> sections = new LinkedHashMap<>();
      String heading = "";
      String label = "";
      Section section = null;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.startsWith("```")) {
          // A fenced block: the example request when so labelled, otherwise nothing to read.
          if (section != null && label.equals("Example request:")) {
            section.exampleRequest = lines.get(i + 1);
          }
          do {
            i++;
          } while (!lines.get(i).trim().startsWith("```"));
          continue;
        }
        if (!line.startsWith("|")) {
          prose.add(line);
        }
        if (line.startsWith("#")) {
          heading = line.replaceFirst("^#+\\s*", "");
          Matcher address = ADDRESS_HEADING.matcher(line);
          section = address.matches() ? new Section() : null;
          if (section != null) {
            sections.put(address.group(1), section);
          }
        } else if (line.startsWith("|")) {
          List<List<String>> rows = new ArrayList<>();
          for (; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            prose.add(lines.get(i).trim());
            List<String> cells = cells(lines.get(i));
            if (!cells.stream().allMatch(cell -> cell.matches("-+"))) {
              rows.add(cells);
            }
          }
          i--;
          Table table = new Table(heading, label, rows.get(0), rows.subList(1, rows.size()));
          tables.add(table);
          List<String> fields = section == null ? null
              : label.equals("Request:") ? section.requestFields
              : label.equals("Reply:") ? section.replyFields
              : null;
          if (fields != null) {
            for (List<String> row : table.rows()) {
              fields.addAll(codeSpans(List.of(row.get(0))));
            }
          }
        } else if (!line.isEmpty()) {
          label = line;
        }
      }
      return new Doc(prose, tables, sections);
    }

    private static List<String> cells(String line) {
      String inner = line.trim().replaceAll("^\\|", "").replaceAll("\\|$", "");
      return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    /** Every table row, anywhere, that has {@code `reference`} in one of its cells. */
    List<List<String>> rowsNaming(String reference) {
      return tables.stream().flatMap(table -> table.rows().stream())
          .filter(row -> codeSpans(row).contains(reference))
          .toList();
    }

    /** The rows of the first table under this heading whose first column is so titled. */
    List<List<String>> table(String heading, String firstColumn) {
      return tables.stream()
          .filter(table -> table.heading().equals(heading) && table.header().get(0).equals(firstColumn))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no table '" + firstColumn + "' under '" + heading + "' in " + DOC))
          .rows();
    }

    /** Every line that has {@code `reference`} in it. */
    List<String> linesNaming(String reference) {
      return prose.stream().filter(line -> line.contains("`" + reference + "`")).toList();
    }

    /** Every code span outside the fenced blocks. */
    Set<String> everyCodeSpan() {
      return codeSpans(prose);
    }

    /** The prose, one line after another, without the fenced blocks. */
    String text() {
      return String.join("\n", prose);
    }
  }
}
