package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounds and repairs the decoder applies to hostile records, one rule per test. */
class InputLimitsTest {
  private static final String AT = "\"occurred_at\":\"2026-03-14T21:20:00+05:30\"";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String reason(SourceKind kind, byte[] payload) {
    try {
      RecordDecoder.decode(kind, payload);
      return null;
    } catch (DecodeException e) {
      return e.reason();
    }
  }

  private static Signal decode(String json, Repairs repairs) throws DecodeException {
    return RecordDecoder.decode(SourceKind.EVENTS, utf8(json), repairs);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void recordAboveOneMebibyteIsRejectedUnread() {
    String json =
        "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
            + AT
            + ",\"x\":\""
            + "x".repeat(InputLimits.MAX_RECORD_BYTES)
            + "\"}";
    assertThat(reason(SourceKind.EVENTS, utf8(json))).isEqualTo("record-too-large");
  }

  @Test
  void timesOutsideTheRangeAreRejected() {
    for (String t :
        List.of(
            "\"0001-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59Z\"",
            "\"1999-12-31T23:59:59Z\"",
            "-1000",
            "99999999999999999999999",
            "\"+10000-01-01T00:00:00Z\"")) {
      String json = "{\"event_id\":\"e\",\"event_type\":\"LOGIN\",\"occurred_at\":" + t + "}";
      assertThat(reason(SourceKind.EVENTS, utf8(json))).as(t).isEqualTo("time-out-of-range");
    }
  }

  @Test
  void leapSecondReadsAsTheLastSecondOfTheMinute() throws Exception {
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
                + "\"occurred_at\":\"2016-12-31T23:59:60Z\"}",
            new Repairs());
    assertThat(s.time).isEqualTo(Instant.parse("2016-12-31T23:59:59Z").toEpochMilli());
  }

  @Test
  void timeWithoutOffsetIsInvalid() {
    String json =
        "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
            + "\"occurred_at\":\"2026-03-14T21:20:00\"}";
    assertThat(reason(SourceKind.EVENTS, utf8(json))).isEqualTo("invalid-time");
  }

  @Test
  void blankOrTooLongIdRejectsTheRecord() {
    assertThat(
            reason(
                SourceKind.EVENTS,
                utf8("{\"event_id\":\" \",\"event_type\":\"LOGIN\"," + AT + "}")))
        .isEqualTo("missing-event-id");
    assertThat(
            reason(
                SourceKind.EVENTS,
                utf8(
                    "{\"event_id\":\""
                        + "e".repeat(257)
                        + "\",\"event_type\":\"LOGIN\","
                        + AT
                        + "}")))
        .isEqualTo("field-too-long");
    assertThat(
            reason(
                SourceKind.EVENTS, utf8("{\"event_id\":[1],\"event_type\":\"LOGIN\"," + AT + "}")))
        .isEqualTo("wrong-type");
  }

  @Test
  void unknownChannelIsDroppedAndTheEventKept() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"APP_OPEN\","
                + AT
                + ",\"channel\":\"SMS\",\"anonymous_id\":\"c\"}",
            repairs);
    assertThat(s.channel).isNull();
    assertThat(s.anonymousId).isEqualTo("c");
    assertThat(repairs.entries())
        .containsExactly(new Repairs.Repair("unknown-channel", "channel", 1));
  }

  @Test
  void unknownConsentMeansNoConsent() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        RecordDecoder.decode(
            SourceKind.PROFILES,
            utf8(
                "{\"customer_id\":\"k\",\"updated_at\":\"2026-03-01T10:00:00Z\","
                    + "\"consent\":{\"email\":\"MAYBE\",\"push\":\"OPTED_IN\"}}"),
            repairs);
    assertThat(s.emailConsent).isEqualTo("UNKNOWN");
    assertThat(s.pushConsent).isEqualTo("OPTED_IN");
    assertThat(repairs.entries())
        .containsExactly(new Repairs.Repair("unknown-consent", "consent.email", 1));
  }

  @Test
  void authenticatedIsTrueOnlyForTrue() throws Exception {
    for (String value : List.of("\"yes\"", "1", "{}", "\"TRUE \"")) {
      Repairs repairs = new Repairs();
      Signal s =
          decode(
              "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
                  + AT
                  + ",\"authenticated\":"
                  + value
                  + "}",
              repairs);
      assertThat(s.authenticated).as(value).isFalse();
      assertThat(repairs.entries())
          .as(value)
          .extracting(Repairs.Repair::reason)
          .containsExactly("wrong-type");
    }
    assertThat(
            decode(
                    "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
                        + AT
                        + ",\"authenticated\":\"true\"}",
                    new Repairs())
                .authenticated)
        .isTrue();
  }

  @Test
  void nonFiniteNegativeAndHugePricesBecomeMissing() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"ADD_TO_CART\","
                + AT
                + ",\"items\":["
                + "{\"sku\":\"a\",\"price\":\"NaN\"},{\"sku\":\"b\",\"price\":1e309},"
                + "{\"sku\":\"c\",\"price\":-1},{\"sku\":\"d\",\"price\":1e308},"
                + "{\"sku\":\"e\",\"price\":\"2.5\"},{\"sku\":\"f\",\"price\":[1]}]}",
            repairs);
    assertThat(s.items).extracting(i -> i.price).containsExactly(null, null, null, null, 2.5, null);
    assertThat(repairs.entries())
        .containsExactly(new Repairs.Repair("invalid-price", "items.price", 5));
  }

  @Test
  void quantitiesAreWholePositiveAndClamped() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"ADD_TO_CART\","
                + AT
                + ",\"items\":["
                + "{\"sku\":\"neg\",\"quantity\":-3},{\"sku\":\"zero\",\"quantity\":0},"
                + "{\"sku\":\"frac\",\"quantity\":2.5},{\"sku\":\"word\",\"quantity\":\"two\"},"
                + "{\"sku\":\"big\",\"quantity\":2147483648},{\"sku\":\"text\",\"quantity\":\"3\"},"
                + "{\"sku\":\"none\"}]}",
            repairs);
    assertThat(s.items)
        .extracting(i -> i.sku + "=" + i.quantity)
        .containsExactly("big=" + InputLimits.MAX_QUANTITY, "text=3", "none=1");
    assertThat(repairs.entries())
        .containsExactlyInAnyOrder(
            new Repairs.Repair("invalid-quantity", "items.quantity", 4),
            new Repairs.Repair("quantity-clamped", "items.quantity", 1));
  }

  @Test
  void itemsBeyondTheLimitAreDropped() throws Exception {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      items.append(i == 0 ? "" : ",").append("{\"sku\":\"s").append(i).append("\"}");
    }
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"ADD_TO_CART\","
                + AT
                + ",\"items\":["
                + items
                + "]}",
            repairs);
    assertThat(s.items).hasSize(InputLimits.MAX_ITEMS);
    assertThat(s.items.get(InputLimits.MAX_ITEMS - 1).sku).isEqualTo("s199");
    assertThat(repairs.entries())
        .containsExactly(
            new Repairs.Repair("items-truncated", "items", 10_000 - InputLimits.MAX_ITEMS));
  }

  @Test
  void longOptionalValuesAreDropped() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"LOGIN\","
                + AT
                + ",\"anonymous_id\":\""
                + "c".repeat(300)
                + "\",\"push_token\":\""
                + "t".repeat(3000)
                + "\",\"device_id\":\"d\"}",
            repairs);
    assertThat(s.anonymousId).isNull();
    assertThat(s.pushToken).isNull();
    assertThat(s.deviceId).isEqualTo("d");
    assertThat(repairs.entries())
        .containsExactly(
            new Repairs.Repair("field-too-long", "anonymous_id", 1),
            new Repairs.Repair("field-too-long", "push_token", 1));
  }

  @Test
  void controlCharactersInTextDropTheValue() throws Exception {
    Repairs repairs = new Repairs();
    Signal s =
        decode(
            "{\"event_id\":\"e\",\"event_type\":\"PRODUCT_VIEW\","
                + AT
                + ",\"items\":[{\"sku\":\"s\",\"name\":\"bell\\u0007\",\"product_url\":\"ok\"}]}",
            repairs);
    CartItem item = s.items.get(0);
    assertThat(item.name).isNull();
    assertThat(item.productUrl).isEqualTo("ok");
    assertThat(repairs.entries())
        .containsExactly(new Repairs.Repair("invalid-characters", "items.name", 1));
  }

  @Test
  void profileContactsBeyondTheLimitAreDropped() throws Exception {
    List<String> emails = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      emails.add("\"m" + i + "@x.example\"");
    }
    Repairs repairs = new Repairs();
    Signal s =
        RecordDecoder.decode(
            SourceKind.PROFILES,
            utf8(
                "{\"customer_id\":\"k\",\"updated_at\":\"2026-03-01T10:00:00Z\",\"emails\":["
                    + String.join(",", emails)
                    + "]}"),
            repairs);
    assertThat(s.emails).hasSize(InputLimits.MAX_CONTACTS);
    assertThat(repairs.entries())
        .containsExactly(
            new Repairs.Repair("contacts-truncated", "emails", 5_000 - InputLimits.MAX_CONTACTS));
  }

  @Test
  void deadLetterDetailNeverEchoesAnAddress() {
    String json = "{\"event_id\":\"e\",\"event_type\":\"ananya@example.com\"," + AT + "}";
    try {
      RecordDecoder.decode(SourceKind.EVENTS, utf8(json));
    } catch (DecodeException e) {
      assertThat(e.reason()).isEqualTo("unknown-event-type");
      assertThat(e.getMessage()).doesNotContain("ananya").contains("18 characters");
      return;
    }
    throw new AssertionError("expected a DecodeException");
  }

  @Test
  void avroLengthBeyondTheRecordIsRejectedWithoutAllocating() throws Exception {
    BehaviourEvent e =
        BehaviourEvent.newBuilder()
            .setEventId("e")
            .setEventType(EventType.LOGIN)
            .setOccurredAt(Instant.parse("2026-03-14T15:50:00Z"))
            .build();
    byte[] ok = bytes(e.toByteBuffer());
    // The event id's length, rewritten to claim 2,000,000,000 bytes (zig-zag varint).
    byte[] bomb = Arrays.copyOf(ok, 17);
    byte[] claim = {(byte) 0x80, (byte) 0xd0, (byte) 0xac, (byte) 0xf3, 0x0e};
    System.arraycopy(claim, 0, bomb, 10, claim.length);
    assertThat(reason(SourceKind.EVENTS, bomb)).isEqualTo("invalid-avro");
  }

  @Test
  void avroItemCountBeyondTheRecordIsRejected() throws Exception {
    BehaviourEvent e =
        BehaviourEvent.newBuilder()
            .setEventId("e")
            .setEventType(EventType.ADD_TO_CART)
            .setOccurredAt(Instant.parse("2026-03-14T15:50:00Z"))
            .build();
    byte[] ok = bytes(e.toByteBuffer());
    // The final byte is the empty item array; claim 2^30 items instead.
    byte[] bomb = Arrays.copyOf(ok, ok.length + 4);
    byte[] claim = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    System.arraycopy(claim, 0, bomb, ok.length - 1, claim.length);
    assertThat(reason(SourceKind.EVENTS, bomb)).isEqualTo("invalid-avro");
  }

  @Test
  void avroOfAnotherOrUnknownSchemaIsRejected() throws Exception {
    byte[] profile =
        bytes(
            CrmProfile.newBuilder()
                .setCustomerId("k")
                .setUpdatedAt(Instant.parse("2026-03-14T15:50:00Z"))
                .build()
                .toByteBuffer());
    assertThat(reason(SourceKind.EVENTS, profile)).isEqualTo("wrong-schema");
    assertThat(reason(SourceKind.PROFILES, profile)).isNull();
    byte[] unknown = profile.clone();
    unknown[5] ^= 0x01;
    assertThat(reason(SourceKind.PROFILES, unknown)).isEqualTo("unknown-schema");
    assertThat(reason(SourceKind.PROFILES, Arrays.copyOf(profile, profile.length + 1)))
        .isEqualTo("invalid-avro");
  }

  @Test
  void avroValuesGetTheSameChecksAsJson() throws Exception {
    List<Item> items = new ArrayList<>();
    items.add(Item.newBuilder().setSku("nan").setPrice(Double.NaN).build());
    items.add(Item.newBuilder().setSku("neg").setQuantity(-1).build());
    BehaviourEvent e =
        BehaviourEvent.newBuilder()
            .setEventId("e")
            .setEventType(EventType.ADD_TO_CART)
            .setOccurredAt(Instant.parse("2026-03-14T15:50:00Z"))
            .setItems(items)
            .build();
    Repairs repairs = new Repairs();
    Signal s = RecordDecoder.decode(SourceKind.EVENTS, bytes(e.toByteBuffer()), repairs);
    assertThat(s.items).extracting(i -> i.sku).containsExactly("nan");
    assertThat(s.items.get(0).price).isNull();
    assertThat(repairs.entries())
        .containsExactlyInAnyOrder(
            new Repairs.Repair("invalid-price", "items.price", 1),
            new Repairs.Repair("invalid-quantity", "items.quantity", 1));
    BehaviourEvent late =
        BehaviourEvent.newBuilder(e).setOccurredAt(Instant.ofEpochMilli(Long.MAX_VALUE)).build();
    assertThatThrownBy(() -> RecordDecoder.decode(SourceKind.EVENTS, bytes(late.toByteBuffer())))
        .isInstanceOfSatisfying(
            DecodeException.class, x -> assertThat(x.reason()).isEqualTo("time-out-of-range"));
  }
}
