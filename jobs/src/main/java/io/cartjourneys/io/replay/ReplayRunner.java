package io.cartjourneys.io.replay;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.topology.JourneyTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the job graph over a finite input on a local cluster in this JVM and writes the five output
 * files. Pure event time: the bounded input ends with a final watermark that fires every timer.
 */
public final class ReplayRunner {
  private ReplayRunner() {}

  public static JobExecutionResult run(JobConfig config, RecordIterable input, Path outDir)
      throws Exception {
    Files.createDirectories(outDir);
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    env.setParallelism(config.runtime.parallelism);
    DataStream<RawRecord> raw =
        env.fromSource(RecordSource.of(input), WatermarkStrategy.noWatermarks(), "Replay input")
            .setParallelism(1)
            .uid("replay-source")
            .name("Replay input files");
    JourneyTopology.build(config, raw, new ReplaySinks(outDir));
    JobExecutionResult result = env.execute("cart-journeys replay");
    for (String f :
        List.of(
            ReplaySinks.PUSH,
            ReplaySinks.EMAIL,
            ReplaySinks.DECISIONS,
            ReplaySinks.CONVERSIONS,
            ReplaySinks.DEAD_LETTERS)) {
      sortLines(outDir.resolve(f));
    }
    return result;
  }

  /**
   * Records reach a sink in an order that depends on parallelism; sorting the lines makes the same
   * input give the same files.
   */
  static void sortLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file);
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    Collections.sort(lines);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
