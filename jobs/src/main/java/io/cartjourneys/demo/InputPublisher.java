package io.cartjourneys.demo;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.kafka.KafkaIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes input records to the job's input topics and waits until the broker has them all. */
public final class InputPublisher {
  private static final Duration SEND_TIMEOUT = Duration.ofMinutes(4);

  private InputPublisher() {}

  /**
   * Sends the records in list order with an idempotent producer, so records of one key keep their
   * order, and returns once every record is acknowledged.
   *
   * @throws IOException if a send failed or was not acknowledged in time
   */
  public static void publish(JobConfig.Kafka kafka, List<InputRecord> records) throws IOException {
    Properties props = new Properties();
    props.putAll(kafka.properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One request at a time, with long timeouts: on a loaded two-core machine the in-process
    // broker answers slowly, and retried batches of several in-flight requests were rejected
    // with OutOfOrderSequenceException.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (InputRecord r : records) {
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    KafkaIo.inputTopic(kafka, r.source()),
                    null,
                    r.timestamp().toEpochMilli(),
                    r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
                    r.payload())));
      }
      producer.flush();
      long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
      for (Future<RecordMetadata> send : sends) {
        send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "Publishing "
              + records.size()
              + " input records to "
              + kafka.bootstrapServers
              + " failed",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while publishing input records", e);
    }
  }
}
