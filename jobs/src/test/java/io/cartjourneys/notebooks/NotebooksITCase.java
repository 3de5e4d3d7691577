package io.cartjourneys.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes each notebook under {@code notebooks/} headless with {@code jupyter nbconvert} against
 * the committed sample data, and checks that it saved its figures as real PNG files. Skipped, not
 * failed, where Jupyter with pandas and matplotlib is not installed.
 */
class NotebooksITCase {
  /** Debian's Jupyter, whose kernel runs /usr/bin/python3 with the Debian packages. */
  private static final String DEFAULT_JUPYTER = "/usr/bin/jupyter";

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** A rendered chart with axes and labels is tens of KB; a blank or broken one is far smaller. */
  private static final long MIN_PNG_BYTES = 5_000;

  private static final long NOTEBOOK_TIMEOUT_SECONDS = 300;

  private static Path notebooks;
  private static String jupyter;
  private static String missing;

  @TempDir Path out;

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
  static void findJupyter() throws Exception {
    notebooks = findNotebooksDir();
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

  @ParameterizedTest(name = "{0}.ipynb")
  @MethodSource("notebooks")
  void notebookRunsAndSavesItsFigures(String name, List<String> figures) throws Exception {
    assumeTrue(
        missing == null,
        () ->
            "Notebook check skipped: "
                + missing
                + ". Install jupyter-nbconvert python3-nbclient python3-ipykernel python3-pandas"
                + " python3-matplotlib (Debian), or set CJ_JUPYTER to a jupyter executable.");
    Path figuresDir = out.resolve("figures");
    Path log = out.resolve(name + ".log");
    List<String> command =
        List.of(
            jupyter,
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=" + NOTEBOOK_TIMEOUT_SECONDS,
            "--output-dir",
            out.toString(),
            notebooks.resolve(name + ".ipynb").toString());
    Map<String, String> env =
        Map.of(
            "CJ_REPLAY_OUT", notebooks.resolve("sample-data/replay").toString(),
            "CJ_STATE_DIR", notebooks.resolve("sample-data/state").toString(),
            "CJ_FIGURES", figuresDir.toString(),
            "PYDEVD_DISABLE_FILE_VALIDATION", "1",
            "MPLBACKEND", "Agg");

    long started = System.nanoTime();
    int code = run(command, env, log, NOTEBOOK_TIMEOUT_SECONDS + 60);
    System.out.printf(
        "%s.ipynb executed in %d ms%n", name, (System.nanoTime() - started) / 1_000_000);

    assertThat(code).as("nbconvert exit code; its output:%n%s", tail(log)).isZero();
    assertThat(out.resolve(name + ".ipynb")).as("executed notebook").exists();
    for (String figure : figures) {
      Path png = figuresDir.resolve(figure);
      assertThat(png).as("figure %s", figure).exists();
      assertThat(Files.size(png)).as("size of %s in bytes", figure).isGreaterThan(MIN_PNG_BYTES);
      assertThat(head(png, PNG_MAGIC.length))
          .as("PNG signature of %s", figure)
          .isEqualTo(PNG_MAGIC);
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
      throw new AssertionError(
          String.join(" ", command) + " timed out after " + seconds + " s");
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
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("notebooks");
      if (Files.exists(candidate.resolve("decisions.ipynb"))) {
        return candidate;
      }
      tried.add(candidate);
    }
    throw new IllegalStateException("notebooks/ not found; looked in " + tried);
  }
}
