package io.cartjourneys.inspect;

import io.cartjourneys.topology.JourneyTopology;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a savepoint or retained checkpoint of the job with the State Processor API and writes the
 * state of the identity, decide and orchestrate stages as CSV tables (see {@link StateTable}).
 * The read runs as a bounded job on a local cluster in this JVM.
 */
public final class SavepointInspector {
  private static final Logger LOG = LoggerFactory.getLogger(SavepointInspector.class);

  /** State backend that restores the snapshot's keyed state. */
  public enum Backend {
    /**
     * RocksDB when the snapshot contains incremental RocksDB handles (native savepoints and
     * incremental checkpoints of RocksDB), else the heap backend. Canonical savepoints and full
     * snapshots are backend independent, so the heap backend reads them whatever wrote them.
     */
    AUTO,
    HASHMAP,
    ROCKSDB
  }

  /**
   * Summary of one inspection.
   *
   * @param backend the backend that read the state
   * @param rows rows written per table
   * @param missingUids uids of stateful operators the snapshot has no state for; their tables
   *     have no rows
   * @param took wall-clock time of the whole inspection
   */
  public record Result(
      Backend backend, Map<StateTable, Long> rows, List<String> missingUids, Duration took) {}

  private SavepointInspector() {}

  /**
   * Reads the snapshot and writes one CSV file per table into {@code outDir}.
   *
   * @param path a savepoint or checkpoint directory, or its {@code _metadata} file, in any file
   *     system Flink can read
   * @param parallelism parallelism of the read, or null for the local default (the number of
   *     cores)
   * @throws IOException when the snapshot's metadata cannot be read
   */
  public static Result inspect(String path, Path outDir, Backend backend, Integer parallelism)
      throws Exception {
    long started = System.nanoTime();
    CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
    Backend used = backend == Backend.AUTO ? detect(metadata) : backend;
    Set<OperatorID> present = new HashSet<>();
    for (OperatorState op : metadata.getOperatorStates()) {
      present.add(op.getOperatorID());
    }
    LOG.info(
        "Reading snapshot {} (checkpoint {}, {} operators) with the {} backend",
        path,
        metadata.getCheckpointId(),
        present.size(),
        used);

    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    SavepointReader reader = SavepointReader.read(env, path, stateBackend(used));

    List<String> missing = new ArrayList<>();
    List<DataStream<TableRow>> streams = new ArrayList<>();
    addIfPresent(
        reader, present, missing, JourneyTopology.DECIDE_UID, new StateReaders.PersonReader(),
        streams);
    addIfPresent(
        reader, present, missing, JourneyTopology.ORCHESTRATE_UID,
        new StateReaders.JourneyReader(), streams);
    addIfPresent(
        reader, present, missing, JourneyTopology.IDENTITY_COOKIES_UID,
        new StateReaders.OwnerReader("cookie"), streams);
    addIfPresent(
        reader, present, missing, JourneyTopology.IDENTITY_DEVICES_UID,
        new StateReaders.OwnerReader("device"), streams);
    for (String uid : missing) {
      LOG.warn("Snapshot {} has no state for operator uid {}", path, uid);
    }

    Map<StateTable, Long> rows = new EnumMap<>(StateTable.class);
    for (StateTable t : StateTable.values()) {
      rows.put(t, 0L);
    }
    if (streams.isEmpty()) {
      CsvTablesSink.open(outDir).close(); // header-only files
    } else {
      DataStream<TableRow> all = streams.get(0);
      for (DataStream<TableRow> s : streams.subList(1, streams.size())) {
        all = all.union(s);
      }
      all.sinkTo(new CsvTablesSink(outDir))
          .setParallelism(1)
          .uid("inspect-csv-tables")
          .name("CSV tables in " + outDir);
      JobExecutionResult result = env.execute("cart-journeys inspect-savepoint");
      for (StateTable t : StateTable.values()) {
        Long n = result.getAccumulatorResult(t.counterName());
        rows.put(t, n == null ? 0L : n);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    LOG.info("Wrote {} to {} in {} ms", rows, outDir, took.toMillis());
    return new Result(used, rows, missing, took);
  }

  private static void addIfPresent(
      SavepointReader reader,
      Set<OperatorID> present,
      List<String> missing,
      String uid,
      KeyedStateReaderFunction<String, TableRow> function,
      List<DataStream<TableRow>> streams)
      throws IOException {
    OperatorIdentifier id = OperatorIdentifier.forUid(uid);
    if (!present.contains(id.getOperatorId())) {
      missing.add(uid);
      return;
    }
    // NOTE: in Flink 2.2 the savepoint source emits null for a key whose reader emitted nothing
    // (InputFormatSource passes on every nextRecord result), so nulls are dropped here.
    streams.add(
        reader
            .readKeyedState(id, function, Types.STRING, TypeInformation.of(TableRow.class))
            .filter(Objects::nonNull)
            .name("Rows of " + uid));
  }

  /** Returns ROCKSDB when any keyed state handle is an incremental (native RocksDB) one. */
  static Backend detect(CheckpointMetadata metadata) {
    for (OperatorState op : metadata.getOperatorStates()) {
      for (OperatorSubtaskState subtask : op.getStates()) {
        for (KeyedStateHandle h : subtask.getManagedKeyedState()) {
          if (h instanceof IncrementalKeyedStateHandle) {
            return Backend.ROCKSDB;
          }
        }
      }
    }
    return Backend.HASHMAP;
  }

  private static StateBackend stateBackend(Backend backend) {
    return switch (backend) {
      case ROCKSDB -> new EmbeddedRocksDBStateBackend();
      case HASHMAP, AUTO -> new HashMapStateBackend();
    };
  }
}
