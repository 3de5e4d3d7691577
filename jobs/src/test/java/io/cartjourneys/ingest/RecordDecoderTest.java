package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.Channel;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonEventKeepsEveryContractField() throws Exception {
    Signal s =
        RecordDecoder.decode(
            SourceKind.EVENTS,
            utf8(
                "{\"event_id\":\"e1\",\"event_type\":\"ADD_TO_CART\","
                    + "\"occurred_at\":\"2026-03-14T21:11:00+05:30\",\"channel\":\"WEB\","
                    + "\"anonymous_id\":\"c-1\",\"authenticated\":false,\"cart_id\":\"k\","
                    + "\"items\":[{\"sku\":\"S1\",\"price\":10.5,\"quantity\":2}],"
                    + "\"unknown_field\":{\"ignored\":true}}"));
    assertThat(s.kind).isEqualTo(Signal.Kind.EVENT);
    assertThat(s.time).isEqualTo(Instant.parse("2026-03-14T15:41:00Z").toEpochMilli());
    assertThat(s.anonymousId).isEqualTo("c-1");
    assertThat(s.items).singleElement().satisfies(i -> {
      assertThat(i.sku).isEqualTo("S1");
      assertThat(i.price).isEqualTo(10.5);
      assertThat(i.quantity).isEqualTo(2);
    });
  }

  @Test
  void avroSingleObjectEventDecodesLikeJson() throws Exception {
    BehaviourEvent e =
        BehaviourEvent.newBuilder()
            .setEventId("e2")
            .setEventType(EventType.PURCHASE)
            .setOccurredAt(Instant.parse("2026-03-14T17:35:00Z"))
            .setChannel(Channel.MOBILE_APP)
            .setDeviceId("d-1")
            .setCustomerId("k-1")
            .setAuthenticated(true)
            .setOrderId("o-1")
            .setItems(List.of(Item.newBuilder().setSku("S1").build()))
            .build();
    ByteBuffer bytes = e.toByteBuffer();
    byte[] payload = new byte[bytes.remaining()];
    bytes.get(payload);
    Signal s = RecordDecoder.decode(SourceKind.EVENTS, payload);
    assertThat(s.eventType).isEqualTo("PURCHASE");
    assertThat(s.customerId).isEqualTo("k-1");
    assertThat(s.authenticated).isTrue();
    assertThat(s.time).isEqualTo(Instant.parse("2026-03-14T17:35:00Z").toEpochMilli());
  }

  @Test
  void badRecordsAreRejectedWithAReason() {
    assertReason("{not json", "invalid-json");
    assertReason("{\"event_id\":\"e\",\"occurred_at\":\"2026-03-14T21:11:00Z\"}", "missing-event-type");
    assertReason(
        "{\"event_id\":\"e\",\"event_type\":\"TELEPORT\",\"occurred_at\":\"2026-03-14T21:11:00Z\"}",
        "unknown-event-type");
    assertReason("{\"event_id\":\"e\",\"event_type\":\"LOGIN\"}", "missing-time");
    assertReason(
        "{\"event_id\":\"e\",\"event_type\":\"LOGIN\",\"occurred_at\":\"yesterday\"}",
        "invalid-time");
    assertThatThrownBy(
            () -> RecordDecoder.decode(SourceKind.EVENTS, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.reason()).isEqualTo("invalid-avro"));
    assertThatThrownBy(() -> RecordDecoder.decode(SourceKind.EVENTS, new byte[] {7, 7, 7}))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo("unrecognised-encoding"));
  }

  @Test
  void profileWithoutConsentMeansUnknown() throws Exception {
    Signal s =
        RecordDecoder.decode(
            SourceKind.PROFILES,
            utf8("{\"customer_id\":\"k\",\"updated_at\":\"2026-03-01T10:00:00Z\",\"emails\":[\"A@B.co\"]}"));
    assertThat(s.emailConsent).isEqualTo("UNKNOWN");
    assertThat(s.pushConsent).isEqualTo("UNKNOWN");
    assertThat(s.emails).containsExactly("A@B.co");
  }

  @Test
  void peekedRecordDecodesOnceAndIsHandedOver() throws Exception {
    String json =
        "{\"event_id\":\"e-1\",\"event_type\":\"PRODUCT_VIEW\","
            + "\"occurred_at\":\"2026-03-01T10:00:00Z\"}";
    RawRecord raw = new RawRecord(SourceKind.EVENTS, utf8(json), 1);

    Long time = RecordDecoder.peekTime(raw);
    Signal decoded = RecordDecoder.decode(raw, new Repairs());

    assertThat(time).isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    assertThat(decoded.id).isEqualTo("e-1");
    assertThat(decoded.time).isEqualTo(time);
    assertThat(raw.decoded).as("the decoded record is handed over, not kept").isNull();
  }

  @Test
  void peekedBadRecordKeepsItsReason() {
    RawRecord raw =
        new RawRecord(
            SourceKind.EVENTS,
            utf8("{\"event_id\":\"e\",\"event_type\":\"WAVE\",\"occurred_at\":0}"),
            1);

    assertThat(RecordDecoder.peekTime(raw)).isNull();
    assertThatThrownBy(() -> RecordDecoder.decode(raw, new Repairs()))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.reason()).isEqualTo("unknown-event-type"));
  }

  private static void assertReason(String json, String reason) {
    assertThatThrownBy(() -> RecordDecoder.decode(SourceKind.EVENTS, utf8(json)))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
