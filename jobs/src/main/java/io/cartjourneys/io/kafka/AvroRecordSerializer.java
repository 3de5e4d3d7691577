package io.cartjourneys.io.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one output record to a topic as Avro single-object encoding (the same bytes as the
 * generated {@code toByteBuffer()}), keyed by a customer id so that one customer's records stay in
 * one partition and in order.
 *
 * <p>The Kafka timestamp is the wall-clock time of writing, not the record's event time: a replay
 * of a past evening would otherwise write timestamps that retention deletes at once, and output
 * fired by the final watermark of a bounded run carries {@code Long.MAX_VALUE}, which brokers
 * reject. Event times are inside the record (deliver_after, decided_at, purchased_at).
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final Class<T> type;
  private final SerializableFunction<T, String> key;
  private transient BinaryMessageEncoder<T> encoder;

  /**
   * @param key the record's customer id; a null key lets the producer spread records over the
   *     partitions
   */
  public AvroRecordSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
    this.topic = topic;
    this.type = type;
    this.key = key;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    encoder = newEncoder();
  }

  private BinaryMessageEncoder<T> newEncoder() {
    SpecificData model = SpecificData.getForClass(type);
    return new BinaryMessageEncoder<>(model, model.getSchema(type));
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    if (encoder == null) {
      encoder = newEncoder();
    }
    ByteArrayOutputStream value = new ByteArrayOutputStream(256);
    try {
      encoder.encode(element, value);
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding a " + type.getSimpleName() + " failed", e);
    }
    String k = key.apply(element);
    return new ProducerRecord<>(
        topic,
        null,
        System.currentTimeMillis(),
        k == null ? null : k.getBytes(StandardCharsets.UTF_8),
        value.toByteArray());
  }
}
