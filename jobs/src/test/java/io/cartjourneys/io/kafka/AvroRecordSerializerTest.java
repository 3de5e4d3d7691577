package io.cartjourneys.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroRecordSerializerTest {

  @Test
  void commandKeyedByCustomer() throws Exception {
    EngagementCommand command = command();
    AvroRecordSerializer<EngagementCommand> serializer =
        new AvroRecordSerializer<>(
            "push", EngagementCommand.class, EngagementCommand::getCustomerId);

    ProducerRecord<byte[], byte[]> record = serializer.serialize(command, null, null);

    assertThat(record.topic()).isEqualTo("push");
    assertThat(record.partition()).isNull();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("k-1001");
    assertThat(EngagementCommand.getDecoder().decode(record.value())).isEqualTo(command);
    assertThat(record.value()).isEqualTo(toBytes(command.toByteBuffer()));
  }

  @Test
  void finalWatermarkTimestampReplacedByWallClock() {
    AvroRecordSerializer<EngagementCommand> serializer =
        new AvroRecordSerializer<>(
            "push", EngagementCommand.class, EngagementCommand::getCustomerId);
    long before = System.currentTimeMillis();

    ProducerRecord<byte[], byte[]> record = serializer.serialize(command(), null, Long.MAX_VALUE);

    assertThat(record.timestamp()).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void nullKeyWhenNoCustomer() throws Exception {
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSource("events")
            .setReason("invalid-json")
            .setDetail(null)
            .setReceivedAt(Instant.parse("2026-03-14T16:00:00Z"))
            .setPayload(ByteBuffer.wrap(new byte[] {'{'}))
            .build();
    AvroRecordSerializer<DeadLetter> serializer =
        new AvroRecordSerializer<>("dead-letters", DeadLetter.class, l -> null);

    ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, 0L);

    assertThat(record.key()).isNull();
    assertThat(DeadLetter.getDecoder().decode(record.value())).isEqualTo(letter);
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static EngagementCommand command() {
    return EngagementCommand.newBuilder()
        .setCommandId("cmd-1")
        .setCustomerId("k-1001")
        .setChannel(CommandChannel.PUSH)
        .setRecipient("tok-ananya-1")
        .setTemplate("cart-abandoned-push")
        .setDeliverAfter(Instant.parse("2026-03-14T16:11:00Z"))
        .setExpiresAt(Instant.parse("2026-03-14T22:11:00Z"))
        .setJourneyId("j-1")
        .setStep(1)
        .setItems(List.of(Item.newBuilder().setSku("SHOE-123").build()))
        .setCartValue(4999.0)
        .setCurrency("INR")
        .setFirstName("Ananya")
        .setLocale("en-IN")
        .setTimeZone("Asia/Kolkata")
        .setRecentlyViewed(List.of())
        .build();
  }
}
