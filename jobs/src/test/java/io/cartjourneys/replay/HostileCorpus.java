package io.cartjourneys.replay;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.Channel;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.Item;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The hostile input corpus: the JSON Lines committed under {@code hostile/}, one file per input,
 * plus cases too large or too binary to commit (1 MiB values, 10,000 items, thousands of emails,
 * Avro bytes that are truncated, of the wrong schema or that claim gigabytes), built here.
 *
 * <p>Records that decode at all are dated inside one slot, {@link #SLOT}, between the ananya
 * story's last web event and its app login, so that they can be replayed in the middle of the
 * story. Their identifiers are the story's own only where an attack on the story is meant.
 */
public final class HostileCorpus {
  /** The instant every decodable hostile record is dated at, give or take a few seconds. */
  public static final Instant SLOT = Instant.parse("2026-03-14T15:50:00Z");

  private static final String AT = "2026-03-14T21:20:00+05:30";

  private HostileCorpus() {}

  /** Every hostile record, committed first (profiles, links, events, feedback), then built. */
  public static List<RawRecord> records() throws IOException {
    List<RawRecord> all = new ArrayList<>();
    all.addAll(lines("/hostile/profiles.jsonl", SourceKind.PROFILES));
    all.addAll(lines("/hostile/links.jsonl", SourceKind.LINKS));
    all.addAll(lines("/hostile/events.jsonl", SourceKind.EVENTS));
    all.addAll(lines("/hostile/feedback.jsonl", SourceKind.FEEDBACK));
    all.addAll(builtJson());
    all.addAll(builtAvro());
    all.addAll(randomBytes(new Random(42), 60));
    return all;
  }

  /**
   * The ananya story with the hostile records replayed in its middle: the story's records in the
   * order a replay of its files takes (time, then profiles, links, events), with the hostile block
   * before the first story record later than {@link #SLOT}.
   */
  public static List<RawRecord> storyWithHostileRecords() throws IOException {
    List<RawRecord> story = new ArrayList<>();
    story.addAll(lines("/scenarios/ananya/profiles.jsonl", SourceKind.PROFILES));
    story.addAll(lines("/scenarios/ananya/links.jsonl", SourceKind.LINKS));
    story.addAll(lines("/scenarios/ananya/events.jsonl", SourceKind.EVENTS));
    story.sort(
        Comparator.comparingLong((RawRecord r) -> RecordDecoder.peekTime(r.source, r.payload))
            .thenComparing(r -> r.source));
    List<RawRecord> all = new ArrayList<>();
    boolean inserted = false;
    for (RawRecord r : story) {
      if (!inserted && RecordDecoder.peekTime(r.source, r.payload) > SLOT.toEpochMilli()) {
        all.addAll(records());
        inserted = true;
      }
      all.add(r);
    }
    return all;
  }

  /** The lines of one committed file, as records of the given input. */
  public static List<RawRecord> lines(String resource, SourceKind kind) throws IOException {
    List<RawRecord> result = new ArrayList<>();
    try (InputStream in = HostileCorpus.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("test resource not found: " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          result.add(new RawRecord(kind, line.getBytes(StandardCharsets.UTF_8), 0));
        }
      }
    }
    return result;
  }

  // ------------------------------------------------------------------ JSON built in code

  static List<RawRecord> builtJson() {
    List<RawRecord> r = new ArrayList<>();
    // A 1 MiB value makes the record larger than any record the job reads.
    r.add(
        event(
            "h-big",
            "\"anonymous_id\":\"c-h-big\",\"items\":[{\"sku\":\"B\",\"name\":\""
                + "x".repeat(1 << 20)
                + "\"}]",
            "PRODUCT_VIEW"));
    // A 100,000 character name is dropped from a record that is otherwise processed.
    r.add(
        event(
            "h-long-name",
            "\"anonymous_id\":\"c-h-long\",\"items\":[{\"sku\":\"L\",\"name\":\""
                + "n".repeat(100_000)
                + "\"}]",
            "PRODUCT_VIEW"));
    r.add(event("h-long-cookie", "\"anonymous_id\":\"c-" + "c".repeat(300) + "\"", "APP_OPEN"));
    r.add(event("e".repeat(300), "\"anonymous_id\":\"c-h-long-id\"", "APP_OPEN"));
    r.add(
        event(
            "h-long-token",
            "\"channel\":\"MOBILE_APP\",\"device_id\":\"d-h-token\","
                + "\"customer_id\":\"k-h-token\",\"authenticated\":true,\"push_token\":\""
                + "t".repeat(3_000)
                + "\"",
            "LOGIN"));
    // 10,000 item lines: the first 200 are kept.
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      items.append(i == 0 ? "" : ",").append("{\"sku\":\"I-").append(i).append("\",\"price\":1.5}");
    }
    r.add(profile("k-h-items", "[\"items@h.example\"]", "[]"));
    r.add(
        event(
            "h-items",
            "\"channel\":\"WEB\",\"customer_id\":\"k-h-items\","
                + "\"authenticated\":true,\"items\":["
                + items
                + "]",
            "ADD_TO_CART"));
    // Thousands of emails and phones on one profile.
    StringBuilder emails = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      emails.append(i == 0 ? "" : ",").append("\"m").append(i).append("@h.example\"");
    }
    StringBuilder phones = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      phones.append(i == 0 ? "" : ",").append(String.format("\"+1415555%04d\"", i));
    }
    r.add(profile("k-h-many", "[" + emails + "]", "[" + phones + "]"));
    r.add(
        new RawRecord(
            SourceKind.FEEDBACK,
            utf8(
                "{\"command_id\":\""
                    + "f".repeat(1_000)
                    + "\",\"status\":\"DELIVERED\",\"occurred_at\":\""
                    + AT
                    + "\"}"),
            0));
    // Nesting deeper than the parser allows, and nesting it allows in an unknown field.
    r.add(
        new RawRecord(
            SourceKind.EVENTS, utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)), 0));
    r.add(
        event(
            "h-nested",
            "\"anonymous_id\":\"c-h-nested\",\"unknown\":" + "[".repeat(900) + "]".repeat(900),
            "APP_OPEN"));
    // Bytes that are not UTF-8 inside a JSON string.
    byte[] head =
        utf8(
            "{\"event_id\":\"h-utf8\",\"event_type\":\"APP_OPEN\",\"occurred_at\":\""
                + AT
                + "\",\"anonymous_id\":\"c-");
    byte[] bad = Arrays.copyOf(head, head.length + 4);
    bad[head.length] = (byte) 0xff;
    bad[head.length + 1] = (byte) 0xfe;
    bad[head.length + 2] = '"';
    bad[head.length + 3] = '}';
    r.add(new RawRecord(SourceKind.EVENTS, bad, 0));
    return r;
  }

  private static RawRecord event(String id, String fields, String type) {
    return new RawRecord(
        SourceKind.EVENTS,
        utf8(
            "{\"event_id\":\""
                + id
                + "\",\"event_type\":\""
                + type
                + "\",\"occurred_at\":\""
                + AT
                + "\","
                + fields
                + "}"),
        0);
  }

  private static RawRecord profile(String id, String emails, String phones) {
    return new RawRecord(
        SourceKind.PROFILES,
        utf8(
            "{\"customer_id\":\""
                + id
                + "\",\"emails\":"
                + emails
                + ",\"phones\":"
                + phones
                + ",\"time_zone\":\"UTC\","
                + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
                + "\"updated_at\":\"2026-03-14T21:19:00+05:30\"}"),
        0);
  }

  // ------------------------------------------------------------------ Avro built in code

  static List<RawRecord> builtAvro() throws IOException {
    List<RawRecord> r = new ArrayList<>();
    BehaviourEvent view =
        BehaviourEvent.newBuilder()
            .setEventId("h-avro-ok")
            .setEventType(EventType.PRODUCT_VIEW)
            .setOccurredAt(SLOT)
            .setChannel(Channel.WEB)
            .setAnonymousId("c-h-avro")
            .setItems(List.of(Item.newBuilder().setSku("AV-1").setPrice(3.0).build()))
            .build();
    byte[] ok = bytes(view.toByteBuffer());
    r.add(avro(ok));
    r.add(avro(Arrays.copyOf(ok, ok.length / 2)));
    r.add(avro(Arrays.copyOf(ok, 10)));
    r.add(avro(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));
    r.add(avro(new byte[] {(byte) 0xC3}));
    byte[] trailing = Arrays.copyOf(ok, ok.length + 3);
    r.add(avro(trailing));
    // The header of another input's schema, and of no known schema.
    r.add(
        avro(
            bytes(
                CrmProfile.newBuilder()
                    .setCustomerId("k-h-avro")
                    .setUpdatedAt(SLOT)
                    .build()
                    .toByteBuffer())));
    byte[] unknown = ok.clone();
    for (int i = 2; i < 10; i++) {
      unknown[i] = (byte) (unknown[i] ^ 0x5a);
    }
    r.add(avro(unknown));
    // A string that claims 2,000,000,000 bytes: the bytes of the event id's length.
    byte[] lengthBomb = Arrays.copyOf(ok, 20);
    int end = writeVarLong(lengthBomb, 10, 4_000_000_000L);
    r.add(avro(Arrays.copyOf(lengthBomb, end + 2)));
    // An item array that claims a billion items: replace the final empty-array byte.
    BehaviourEvent noItems = BehaviourEvent.newBuilder(view).setItems(List.of()).build();
    byte[] plain = bytes(noItems.toByteBuffer());
    byte[] countBomb = Arrays.copyOf(plain, plain.length + 10);
    int countEnd = writeVarLong(countBomb, plain.length - 1, 2_000_000_000L);
    r.add(avro(Arrays.copyOf(countBomb, countEnd + 1)));
    // An event type index past the last symbol (the byte after the one-character id).
    byte[] badEnum =
        bytes(BehaviourEvent.newBuilder(noItems).setEventId("a").build().toByteBuffer());
    badEnum[12] = 0x7e;
    r.add(avro(badEnum));
    // A time at the end of the long range, and 10,000 items whose prices are NaN.
    r.add(
        avro(
            bytes(
                BehaviourEvent.newBuilder(view)
                    .setEventId("h-avro-max-time")
                    .setOccurredAt(Instant.ofEpochMilli(Long.MAX_VALUE))
                    .build()
                    .toByteBuffer())));
    List<Item> nanItems = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      nanItems.add(Item.newBuilder().setSku("AN-" + i).setPrice(Double.NaN).build());
    }
    r.add(
        avro(
            bytes(
                BehaviourEvent.newBuilder(view)
                    .setEventId("h-avro-nan")
                    .setEventType(EventType.ADD_TO_CART)
                    .setAnonymousId("c-h-avro-nan")
                    .setItems(nanItems)
                    .build()
                    .toByteBuffer())));
    return r;
  }

  private static RawRecord avro(byte[] payload) {
    return new RawRecord(SourceKind.EVENTS, payload, 0);
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Writes an Avro zig-zag varint at {@code at}; returns the index after it. */
  static int writeVarLong(byte[] into, int at, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      into[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    into[at++] = (byte) v;
    return at;
  }

  /** Random bytes, some behind a valid Avro header, on every input. */
  static List<RawRecord> randomBytes(Random random, int n) throws IOException {
    BehaviourEvent login =
        BehaviourEvent.newBuilder()
            .setEventId("x")
            .setEventType(EventType.LOGIN)
            .setOccurredAt(SLOT)
            .build();
    byte[] header = Arrays.copyOf(bytes(login.toByteBuffer()), 10);
    SourceKind[] kinds = SourceKind.values();
    List<RawRecord> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] body = new byte[1 + random.nextInt(200)];
      random.nextBytes(body);
      byte[] payload = body;
      if (i % 3 == 0) {
        payload = Arrays.copyOf(header, 10 + body.length);
        System.arraycopy(body, 0, payload, 10, body.length);
      }
      r.add(new RawRecord(i % 3 == 0 ? SourceKind.EVENTS : kinds[i % kinds.length], payload, 0));
    }
    return r;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a resource as text; for tests that scan inputs. */
  static String text(String resource) {
    try (InputStream in = HostileCorpus.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
