package io.cartjourneys.topology;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.ingest.IngestFunction;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of the job graph. Every mode builds it with its own input stream and sinks:
 *
 * <pre>
 * raw records -> ingest -> dedupe -> identity (cookies -> devices) -> decide -> orchestrate
 *                      \-> abandonment detection (CEP) -/
 * </pre>
 */
public final class JourneyTopology {
  private JourneyTopology() {}

  /**
   * Builds the graph.
   *
   * @param raw input records in arrival order, without timestamps; event time is taken from the
   *     decoded record
   */
  public static void build(JobConfig config, DataStream<RawRecord> raw, JourneySinks sinks) {
    SingleOutputStreamOperator<Signal> decoded =
        raw.process(new IngestFunction()).uid("ingest").name("Ingest: decode and validate");
    sinks.deadLetters(decoded.getSideOutput(IngestFunction.DEAD_LETTERS));

    Duration lag = config.time.watermarkLag;
    DataStream<Signal> timed =
        decoded
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Signal>forBoundedOutOfOrderness(lag)
                    .withTimestampAssigner((s, ts) -> s.time))
            .uid("event-time")
            .name("Event time: watermark trails by " + lag);
    // TODO: wire identity, detection, decision and orchestration.
  }
}
