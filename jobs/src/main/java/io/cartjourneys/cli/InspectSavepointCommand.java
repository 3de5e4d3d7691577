package io.cartjourneys.cli;

import io.cartjourneys.inspect.SavepointInspector;
import io.cartjourneys.inspect.StateTable;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes the job's keyed state from a savepoint or retained checkpoint as CSV tables. */
@Command(
    name = "inspect-savepoint",
    mixinStandardHelpOptions = true,
    description = {
      "Reads a savepoint or retained checkpoint of the job and writes persons.csv,"
          + " cart_lines.csv, journeys.csv and identity_owners.csv into the output directory.",
      "Times are ISO-8601 UTC. No emails, phone numbers or push tokens are written, only whether"
          + " a person has them."
    })
public class InspectSavepointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "PATH",
      description =
          "Savepoint or checkpoint directory, or its _metadata file; a local path or a URI of a"
              + " file system Flink can read.")
  String path;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
  Path out;

  @Option(
      names = "--state-backend",
      paramLabel = "BACKEND",
      defaultValue = "auto",
      description =
          "Backend that restores the state: auto, hashmap or rocksdb (default: ${DEFAULT-VALUE})."
              + " auto picks rocksdb for native RocksDB snapshots and hashmap for all others.")
  String stateBackend;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Parallelism of the read (default: the number of cores).")
  Integer parallelism;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    SavepointInspector.Backend backend;
    try {
      backend = SavepointInspector.Backend.valueOf(stateBackend.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      err.println(
          "inspect-savepoint: invalid --state-backend '" + stateBackend
              + "'; use auto, hashmap or rocksdb");
      return 2;
    }

    if (parallelism != null && parallelism < 1) {
      err.println("inspect-savepoint: --parallelism must be at least 1, not " + parallelism);
      return 2;
    }
    if (isLocal(path) && !Files.exists(Path.of(path))) {
      err.println("inspect-savepoint: savepoint not found: " + path);
      return 2;
    }

    SavepointInspector.Result result;
    try {
      result = SavepointInspector.inspect(path, out, backend, parallelism);
    } catch (FileNotFoundException e) {
      err.println("inspect-savepoint: no savepoint metadata at " + path + ": " + e.getMessage());
      return 2;
    }

    o.printf(
        "read %s with the %s backend in %.1f s%n",
        path, result.backend().name().toLowerCase(), result.took().toMillis() / 1000.0);
    for (StateTable t : StateTable.values()) {
      o.printf(
          "  %-16s %8d  %s%n", t.tableName(), result.rows().get(t), out.resolve(t.fileName()));
    }
    for (String uid : result.missingUids()) {
      o.printf("  note: the snapshot has no state for operator uid '%s'%n", uid);
    }
    o.flush();
    return 0;
  }

  /** True for a plain path or a file: URI, which can be checked before Flink reads it. */
  private static boolean isLocal(String path) {
    if (path.startsWith("file:")) {
      return false; // let Flink resolve file: URIs and report what is missing
    }
    try {
      return URI.create(path).getScheme() == null;
    } catch (IllegalArgumentException e) {
      return true; // not a URI, so a local path with characters a URI does not allow
    }
  }
}
