package io.cartjourneys.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.inspect.CsvFiles;
import io.cartjourneys.inspect.StateTable;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplaySavepoint;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.loadgen.LoadSettings;
import io.cartjourneys.model.SourceKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Runs the real job over a generated input, stops it with a savepoint at the end of the input,
 * inspects the savepoint, checks the tables against the run's input and decisions, and then
 * executes each notebook under {@code notebooks/} headless with {@code jupyter nbconvert} on that
 * run's decisions, conversions and tables.
 *
 * <p>A notebook fails the test on any cell error, and each figure it saves must be a PNG with
 * something drawn on it. Where Jupyter with pandas and matplotlib is not installed the notebook
 * checks are skipped, except under CI ({@code CI=true}), where they fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Debian's Jupyter, whose kernel runs /usr/bin/python3 with the Debian packages. */
  private static final String DEFAULT_JUPYTER = "/usr/bin/jupyter";

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** A rendered chart with axes and labels is tens of KB; a blank or broken one is far smaller. */
  private static final long MIN_PNG_BYTES = 5_000;

  /** Share of pixels that differ from the background in a chart with data, at least. */
  private static final double MIN_DRAWN_SHARE = 0.01;

  private static final long NOTEBOOK_TIMEOUT_SECONDS = 300;

  /**
   * Records dated this close to the end of the input may still wait for the watermark in the
   * savepoint (it trails the last record by 5 s); the checks of applied profiles skip them.
   */
  private static final Duration UNSETTLED = Duration.ofMinutes(10);

  /** 300 persons over two days, with more app users than the generator's default. */
  private static final LoadSettings INPUT =
      new LoadSettings(300, 2, 20_261_204L, LoadSettings.DEFAULT_START, 0.2, 0.6, 0.3, 0.01, 0.005);

  /**
   * The generated input is cut here, in the evening of the second day, so that the savepoint holds
   * journeys whose steps are not due yet: follow-ups of recent pushes, and first touches waiting
   * for the morning in Asian zones. Uncut, the input ends with returning buyers hours after the
   * last cart, when every journey has finished.
   */
  private static final Instant INPUT_END = Instant.parse("2026-03-03T20:00:00Z");

  @TempDir static Path dir;

  private Path input;
  private Path replay;
  private Path state;
  private String inspectSummary;
  private List<JsonNode> decisions;
  private Path notebooks;
  private String jupyter;
  private String missing;

  static Stream<Arguments> notebooks() {
    return Stream.of(
        Arguments.of(
            "decisions",
            List.of(
                "decisions-over-time.png",
                "decisions-suppression-reasons.png",
                "decisions-time-to-first-touch.png",
                "decisions-commands-per-hour.png")),
        Arguments.of(
            "conversions",
            List.of(
                "conversions-rate.png",
                "conversions-uplift.png",
                "conversions-time-to-purchase.png")),
        Arguments.of(
            "state", List.of("state-cart-value.png", "state-journeys-by-next-step.png")));
  }

  @BeforeAll
  void runJobAndInspectSavepoint() throws Exception {
    input = dir.resolve("input");
    LoadGenerator.generate(INPUT, input);
    cut(input.resolve(LoadGenerator.EVENTS), "occurred_at");
    cut(input.resolve(LoadGenerator.LINKS), "occurred_at");
    cut(input.resolve(LoadGenerator.PROFILES), "updated_at");
    JobConfig config = new JobConfig();
    config.runtime.parallelism = 2;
    config.journey.holdoutPercent = 20;
    replay = dir.resolve("replay");
    long started = System.nanoTime();
    String savepoint =
        ReplaySavepoint.run(
            config,
            new ReplayInput()
                .with(SourceKind.PROFILES, input.resolve(LoadGenerator.PROFILES))
                .with(SourceKind.LINKS, input.resolve(LoadGenerator.LINKS))
                .with(SourceKind.EVENTS, input.resolve(LoadGenerator.EVENTS))
                .with(SourceKind.FEEDBACK, input.resolve(LoadGenerator.FEEDBACK)),
            replay,
            dir.resolve("savepoints"),
            SavepointFormatType.CANONICAL);
    System.out.printf(
        "replay to a savepoint took %d ms%n", (System.nanoTime() - started) / 1_000_000);

    state = dir.resolve("state");
    StringWriter stdout = new StringWriter();
    started = System.nanoTime();
    int code =
        new CommandLine(new CartJourneysCli())
            .setOut(new PrintWriter(stdout))
            .execute(
                "inspect-savepoint", savepoint, "--out", state.toString(), "--parallelism", "2");
    System.out.printf("inspect-savepoint took %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(code).as("inspect-savepoint exit code").isZero();
    inspectSummary = stdout.toString();
    decisions = readJsonLines(replay.resolve(ReplaySinks.DECISIONS));

    notebooks = findNotebooksDir();
    findJupyter();
  }

  // ------------------------------------------------------------------ the tables

  @Test
  void summaryCountsTheRowsOfEachTable() throws IOException {
    for (StateTable t : StateTable.values()) {
      List<Map<String, String>> rows = CsvFiles.read(state.resolve(t.fileName()));
      assertThat(CsvFiles.header(state.resolve(t.fileName()))).isEqualTo(t.columns());
      assertThat(inspectSummary).containsPattern(t.tableName() + " +" + rows.size() + " ");
    }
  }

  @Test
  void personsHoldTheLatestAppliedProfile() throws IOException {
    Map<String, Map<String, String>> persons = byKey(table(StateTable.PERSONS), "customer_id");
    Map<String, List<JsonNode>> profiles = new HashMap<>();
    for (JsonNode p : readJsonLines(input.resolve(LoadGenerator.PROFILES))) {
      profiles.computeIfAbsent(p.path("customer_id").asText(), k -> new ArrayList<>()).add(p);
    }
    Instant settled = lastInputTime().minus(UNSETTLED);
    int checked = 0;
    for (Map.Entry<String, List<JsonNode>> e : profiles.entrySet()) {
      JsonNode latest =
          e.getValue().stream()
              .max((a, b) -> time(a, "updated_at").compareTo(time(b, "updated_at")))
              .orElseThrow();
      if (!time(latest, "updated_at").isBefore(settled)) {
        continue;
      }
      Map<String, String> person = persons.get(e.getKey());
      assertThat(person).as("persons row of %s", e.getKey()).isNotNull();
      if (latest.path("deleted").asBoolean()) {
        assertThat(person.get("erased")).as("erased of %s", e.getKey()).isEqualTo("true");
        continue;
      }
      checked++;
      assertThat(person)
          .as("persons row of %s", e.getKey())
          .containsEntry("has_profile", "true")
          .containsEntry("erased", "false")
          .containsEntry("email_consent", consent(latest, "email"))
          .containsEntry("push_consent", consent(latest, "push"))
          .containsEntry("time_zone", zoneOrDefault(latest.path("time_zone").asText(null)));
      assertThat(Instant.parse(person.get("profile_updated_at")))
          .as("profile_updated_at of %s", e.getKey())
          .isEqualTo(time(latest, "updated_at"));
    }
    assertThat(checked).as("persons whose profile was checked").isGreaterThan(100);
    for (Map<String, String> person : persons.values()) {
      if (person.get("has_profile").equals("true")) {
        assertThat(profiles).as("profiles of the input").containsKey(person.get("customer_id"));
      }
    }
  }

  @Test
  void personsRememberTheirLatestFirstTouchAndCart() throws IOException {
    Map<String, Instant> lastFirstTouch = new HashMap<>();
    for (JsonNode d : decisions) {
      if (isOutcome(d, "ENTERED", "HOLDOUT")) {
        lastFirstTouch.merge(
            d.path("customer_id").asText(),
            Instant.parse(d.path("facts").path("first_touch_at").asText()),
            (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    Map<String, Long> cartLines =
        table(StateTable.CART_LINES).stream()
            .collect(Collectors.groupingBy(r -> r.get("customer_id"), Collectors.counting()));
    for (Map<String, String> person : table(StateTable.PERSONS)) {
      String customer = person.get("customer_id");
      if (person.get("erased").equals("true")) {
        continue;
      }
      Instant expected = lastFirstTouch.get(customer);
      String actual = person.get("last_first_touch_at");
      assertThat(actual.isEmpty() ? null : Instant.parse(actual))
          .as("last_first_touch_at of %s", customer)
          .isEqualTo(expected);
      assertThat(Long.parseLong(person.get("cart_lines")))
          .as("cart_lines of %s", customer)
          .isEqualTo(cartLines.getOrDefault(customer, 0L));
    }
    assertThat(lastFirstTouch).as("customers with a journey").isNotEmpty();
  }

  @Test
  void journeysMatchTheDecisionsOfTheRun() throws IOException {
    Map<String, Map<String, String>> rows = byKey(table(StateTable.JOURNEYS), "journey_id");
    Map<String, List<JsonNode>> byJourney =
        decisions.stream()
            .filter(d -> !d.path("journey_id").isNull())
            .collect(Collectors.groupingBy(d -> d.path("journey_id").asText()));
    // Journey decisions come from the decide and orchestrate stages, which apply records and fire
    // steps in watermark order, so none is dated after the watermark of the savepoint.
    Instant lastDecision =
        decisions.stream()
            .filter(d -> !d.path("journey_id").isNull())
            .map(d -> OffsetDateTime.parse(d.path("decided_at").asText()).toInstant())
            .max(Instant::compareTo)
            .orElseThrow();

    int active = 0;
    for (Map.Entry<String, List<JsonNode>> e : byJourney.entrySet()) {
      JourneyLog log = JourneyLog.of(e.getValue());
      if (log.entry == null) {
        continue; // suppressed: never entered
      }
      Map<String, String> row = rows.get(e.getKey());
      if (log.active()) {
        active++;
        assertThat(row).as("journeys row of active journey %s", e.getKey()).isNotNull();
        assertThat(row)
            .as("journeys row of %s", e.getKey())
            .containsEntry("active", "true")
            .containsEntry("holdout", "false")
            .containsEntry("next_step", Integer.toString(log.nextStep()))
            .containsEntry("channel", log.entry.path("facts").path("channel").asText());
        assertThat(Instant.parse(row.get("first_touch_at")))
            .isEqualTo(Instant.parse(log.entry.path("facts").path("first_touch_at").asText()));
        // A step due at or before the watermark would have fired and left a decision.
        assertThat(Instant.parse(row.get("next_due_at")))
            .as("next_due_at of %s", e.getKey())
            .isAfter(lastDecision);
      }
    }
    System.out.printf("%d journeys in the savepoint, %d of them active%n", rows.size(), active);
    assertThat(active).as("journeys active at the savepoint").isPositive();

    for (Map<String, String> row : rows.values()) {
      String id = row.get("journey_id");
      JourneyLog log = JourneyLog.of(byJourney.getOrDefault(id, List.of()));
      assertThat(log.entry).as("ENTERED or HOLDOUT decision of %s", id).isNotNull();
      assertThat(row.get("customer_id")).isEqualTo(log.entry.path("customer_id").asText());
      assertThat(row.get("holdout"))
          .as("holdout of %s", id)
          .isEqualTo(Boolean.toString(isOutcome(log.entry, "HOLDOUT")));
      assertThat(row.get("active"))
          .as("active of %s", id)
          .isEqualTo(Boolean.toString(log.active()));
      assertThat(row.get("converted"))
          .as("converted of %s", id)
          .isEqualTo(Boolean.toString(log.converted));
    }
  }

  @Test
  void identityOwnersComeFromAuthenticatedInput() throws IOException {
    Set<String> vouched = new HashSet<>();
    for (JsonNode e : readJsonLines(input.resolve(LoadGenerator.EVENTS))) {
      if (e.path("authenticated").asBoolean()) {
        pairs(vouched, e);
      }
    }
    for (JsonNode l : readJsonLines(input.resolve(LoadGenerator.LINKS))) {
      if (l.path("authenticated").asBoolean()) {
        pairs(vouched, l.path("identifiers"));
      }
    }
    List<Map<String, String>> owners = table(StateTable.IDENTITY_OWNERS);
    assertThat(owners).isNotEmpty();
    for (Map<String, String> row : owners) {
      String owner = row.get("owner");
      if (owner.isEmpty()) {
        assertThat(Integer.parseInt(row.get("held_records")))
            .as("records held for %s %s", row.get("kind"), row.get("identifier"))
            .isPositive();
      } else {
        assertThat(vouched)
            .as("authenticated records that link %s to its owner", row.get("identifier"))
            .contains(
                row.get("kind")
                    + ":"
                    + row.get("identifier")
                    + ">"
                    + row.get("owner_kind")
                    + ":"
                    + owner);
      }
    }
  }

  // ------------------------------------------------------------------ the notebooks

  @ParameterizedTest(name = "{0}.ipynb")
  @MethodSource("notebooks")
  void notebookRunsOnTheSavepointRun(String name, List<String> figures) throws Exception {
    if (missing != null && "true".equals(System.getenv("CI"))) {
      fail("Notebook check cannot run under CI: " + missing);
    }
    assumeTrue(
        missing == null,
        () ->
            "Notebook check skipped: "
                + missing
                + ". Install jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas"
                + " python3-matplotlib (Debian), or set CJ_JUPYTER to a jupyter executable.");
    // Each figure needs data of its kind; without it the notebook draws a placeholder.
    assertThat(outcomes()).contains("SENT", "SUPPRESSED", "HOLDOUT", "ENTERED");
    assertThat(readJsonLines(replay.resolve(ReplaySinks.CONVERSIONS))).isNotEmpty();
    assertThat(table(StateTable.CART_LINES)).isNotEmpty();

    Path executed = dir.resolve("executed");
    Path figuresDir = dir.resolve("figures-" + name);
    Path log = dir.resolve(name + ".log");
    List<String> command =
        List.of(
            jupyter,
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=" + NOTEBOOK_TIMEOUT_SECONDS,
            "--output-dir",
            executed.toString(),
            notebooks.resolve(name + ".ipynb").toString());
    Map<String, String> env =
        Map.of(
            "CJ_REPLAY_OUT", replay.toString(),
            "CJ_STATE_DIR", state.toString(),
            "CJ_FIGURES", figuresDir.toString(),
            "PYDEVD_DISABLE_FILE_VALIDATION", "1",
            "MPLBACKEND", "Agg");

    long started = System.nanoTime();
    int code = run(command, env, log, NOTEBOOK_TIMEOUT_SECONDS + 60);
    System.out.printf(
        "%s.ipynb executed in %d ms%n", name, (System.nanoTime() - started) / 1_000_000);

    assertThat(code).as("nbconvert exit code; its output:%n%s", tail(log)).isZero();
    assertThat(executed.resolve(name + ".ipynb")).as("executed notebook").exists();
    assertThat(Files.readString(executed.resolve(name + ".ipynb")))
        .as("executed notebook has no error output")
        .doesNotContain("\"output_type\": \"error\"");
    for (String figure : figures) {
      Path png = figuresDir.resolve(figure);
      assertThat(png).as("figure %s", figure).exists();
      assertThat(Files.size(png)).as("size of %s in bytes", figure).isGreaterThan(MIN_PNG_BYTES);
      assertThat(head(png, PNG_MAGIC.length))
          .as("PNG signature of %s", figure)
          .isEqualTo(PNG_MAGIC);
      assertThat(drawnShare(png))
          .as("share of %s that differs from the background", figure)
          .isGreaterThan(MIN_DRAWN_SHARE);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The state of one journey as its decisions record it. */
  private record JourneyLog(
      JsonNode entry, boolean exited, boolean step1Done, boolean step2Done, boolean converted) {
    static JourneyLog of(List<JsonNode> log) {
      JsonNode entry = null;
      boolean exited = false;
      boolean step1 = false;
      boolean step2 = false;
      boolean converted = false;
      for (JsonNode d : log) {
        if (isOutcome(d, "ENTERED", "HOLDOUT")) {
          entry = d;
        } else if (isOutcome(d, "EXITED")) {
          exited = true;
        } else if (isOutcome(d, "CONVERTED")) {
          converted = true;
        } else if (isOutcome(d, "SENT", "SKIPPED")) {
          step1 |= d.path("step").asInt() == 1;
          step2 |= d.path("step").asInt() == 2;
        }
      }
      return new JourneyLog(entry, exited, step1, step2, converted);
    }

    /** True while a step may still be sent: entered, not exited, steps left. */
    boolean active() {
      if (entry == null || isOutcome(entry, "HOLDOUT") || exited || step2Done) {
        return false;
      }
      boolean pushFirst = entry.path("facts").path("channel").asText().equals("PUSH");
      return !step1Done || pushFirst;
    }

    int nextStep() {
      return step1Done ? 2 : 1;
    }
  }

  private static boolean isOutcome(JsonNode d, String... outcomes) {
    return Arrays.asList(outcomes).contains(d.path("outcome").asText());
  }

  private Set<String> outcomes() {
    return decisions.stream().map(d -> d.path("outcome").asText()).collect(Collectors.toSet());
  }

  /** Adds "kind:identifier>owner-kind:owner" for each link the record vouches for. */
  private static void pairs(Set<String> out, JsonNode ids) {
    String cookie = ids.path("anonymous_id").asText(null);
    String device = ids.path("device_id").asText(null);
    String customer = ids.path("customer_id").asText(null);
    if (cookie != null && customer != null) {
      out.add("cookie:" + cookie + ">customer:" + customer);
    }
    if (cookie != null && device != null) {
      out.add("cookie:" + cookie + ">device:" + device);
    }
    if (device != null && customer != null) {
      out.add("device:" + device + ">customer:" + customer);
    }
  }

  private static String consent(JsonNode profile, String channel) {
    return profile.path("consent").path(channel).asText("UNKNOWN");
  }

  /** Returns the zone id, or the job's default zone UTC for a missing or unknown one. */
  private static String zoneOrDefault(String zone) {
    if (zone == null) {
      return "UTC";
    }
    try {
      return ZoneId.of(zone).getId();
    } catch (DateTimeException e) {
      return "UTC";
    }
  }

  private Instant lastInputTime() throws IOException {
    Instant last = Instant.MIN;
    for (String file : List.of(LoadGenerator.EVENTS, LoadGenerator.LINKS)) {
      for (JsonNode n : readJsonLines(input.resolve(file))) {
        Instant t = time(n, "occurred_at");
        last = t != null && t.isAfter(last) ? t : last;
      }
    }
    for (JsonNode n : readJsonLines(input.resolve(LoadGenerator.PROFILES))) {
      Instant t = time(n, "updated_at");
      last = t != null && t.isAfter(last) ? t : last;
    }
    return last;
  }

  /** Returns the time field as an instant, or null when it is missing or malformed. */
  private static Instant time(JsonNode n, String field) {
    try {
      return OffsetDateTime.parse(n.path(field).asText()).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  private List<Map<String, String>> table(StateTable t) throws IOException {
    return CsvFiles.read(state.resolve(t.fileName()));
  }

  private static Map<String, Map<String, String>> byKey(
      List<Map<String, String>> rows, String column) {
    Map<String, Map<String, String>> result = new HashMap<>();
    for (Map<String, String> r : rows) {
      assertThat(result.put(r.get(column), r))
          .as("rows with %s %s", column, r.get(column))
          .isNull();
    }
    return result;
  }

  /** Drops the lines dated after {@link #INPUT_END}; undecodable lines stay, for dead letters. */
  private static void cut(Path file, String timeField) throws IOException {
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      Instant t = null;
      try {
        t = time(JSON.readTree(line), timeField);
      } catch (IOException e) {
        // not JSON: kept
      }
      if (t == null || !t.isAfter(INPUT_END)) {
        kept.add(line);
      }
    }
    Files.write(file, kept);
  }

  /** Reads JSON Lines, skipping lines that are not JSON objects (the generator's bad records). */
  private static List<JsonNode> readJsonLines(Path file) throws IOException {
    List<JsonNode> result = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        if (n.isObject()) {
          result.add(n);
        }
      } catch (IOException e) {
        // a malformed line of the generated input; the job dead-letters it
      }
    }
    return result;
  }

  /** Share of pixels whose colour differs from the top-left pixel, the figure's background. */
  private static double drawnShare(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    int background = image.getRGB(0, 0);
    long drawn = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) != background) {
          drawn++;
        }
      }
    }
    return (double) drawn / ((long) image.getWidth() * image.getHeight());
  }

  private void findJupyter() throws Exception {
    String configured = System.getenv("CJ_JUPYTER");
    jupyter = configured != null && !configured.isBlank() ? configured : DEFAULT_JUPYTER;
    if (!Files.isExecutable(Path.of(jupyter))) {
      missing = jupyter + " not found";
      return;
    }
    if (run(List.of(jupyter, "nbconvert", "--version"), Map.of(), null, 60) != 0) {
      missing = "'" + jupyter + " nbconvert' does not run";
      return;
    }
    if (jupyter.equals(DEFAULT_JUPYTER)
        && run(
                List.of("/usr/bin/python3", "-c", "import pandas, matplotlib, ipykernel"),
                Map.of(),
                null,
                60)
            != 0) {
      missing = "/usr/bin/python3 lacks pandas, matplotlib or ipykernel";
    }
  }

  /** Runs a command with output to the log file (or discarded), and kills it on timeout. */
  private static int run(List<String> command, Map<String, String> env, Path log, long seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(
        log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", command) + " timed out after " + seconds + " s");
    }
    return p.exitValue();
  }

  private static byte[] head(Path file, int n) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.copyOf(in.readNBytes(n), n);
    }
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Finds the repository's notebooks/ directory, searching upward from the working directory. */
  private static Path findNotebooksDir() {
    List<Path> tried = new ArrayList<>();
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("notebooks");
      if (Files.exists(candidate.resolve("decisions.ipynb"))) {
        return candidate;
      }
      tried.add(candidate);
    }
    throw new IllegalStateException("notebooks/ not found; looked in " + tried);
  }
}
