package io.cartjourneys.cli;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.kafka.KafkaIo;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.topology.JourneyTopology;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the production job: the four input topics in, commands, decisions, conversions and dead
 * letters out, exactly once. It uses the ambient execution environment, so the same main class runs
 * under {@code flink run} on a cluster and, for a quick try, in a local cluster in this JVM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the job against Kafka until it is cancelled.",
      "Submit the jar with 'flink run cart-journeys.jar run --config job.yaml' to run it on a"
          + " cluster."
    })
public class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions settings;

  @Override
  public Integer call() throws Exception {
    JobConfig config = settings.load();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config, Boundedness.CONTINUOUS_UNBOUNDED);
    LOG.info(
        "Submitting cart-journeys: Kafka {}, group {}, parallelism {}, checkpoints every {},"
            + " state backend {}",
        config.kafka.bootstrapServers,
        config.kafka.groupId,
        config.runtime.parallelism,
        config.runtime.checkpointInterval,
        config.runtime.stateBackend);
    env.execute("cart-journeys");
    return 0;
  }

  /**
   * Configures the environment from the job settings and adds the job graph between the Kafka
   * topics to it.
   *
   * @param boundedness {@link Boundedness#CONTINUOUS_UNBOUNDED} for the production job; {@link
   *     Boundedness#BOUNDED} reads each partition up to the offset that was latest at the start and
   *     then ends, as the demo does
   */
  public static void build(
      StreamExecutionEnvironment env, JobConfig config, Boundedness boundedness) {
    env.configure(JobEnvironment.checkpointSettings(config.runtime));
    env.setParallelism(config.runtime.parallelism);
    env.setMaxParallelism(config.runtime.maxParallelism);
    DataStream<RawRecord> raw = KafkaIo.inputs(env, config, boundedness);
    JourneyTopology.buildTimed(config, raw, KafkaIo.sinks(config));
  }
}
