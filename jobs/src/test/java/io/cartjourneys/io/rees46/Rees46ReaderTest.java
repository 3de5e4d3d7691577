package io.cartjourneys.io.rees46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.io.rees46.Rees46Reader.Rejection;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Rees46ReaderTest {
  private static final String HEADER =
      "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  @Test
  void firstRowOfUserBringsProfile() throws Exception {
    List<RawRecord> records =
        readAll(
            HEADER,
            "2019-10-01 00:00:05 UTC,view,3900821,2053013552326770905,"
                + "appliances.environment.water_heater,aqua,33.20,554748717,s-1");

    assertThat(records).hasSize(2);
    RawRecord profile = records.get(0);
    assertThat(profile.source).isEqualTo(SourceKind.PROFILES);
    assertThat(profile.sequence).isEqualTo(0);
    JsonNode p = JSON.readTree(profile.payload);
    assertThat(p.get("customer_id").asText()).isEqualTo("554748717");
    assertThat(p.get("emails").size()).isEqualTo(1);
    assertThat(p.get("emails").get(0).asText()).isEqualTo("554748717@example.invalid");
    assertThat(p.get("consent").get("email").asText()).isEqualTo("OPTED_IN");
    assertThat(p.get("consent").get("push").asText()).isEqualTo("OPTED_IN");
    assertThat(p.get("time_zone").asText()).isEqualTo("Asia/Kolkata");
    assertThat(p.get("updated_at").asText()).isEqualTo("2019-10-01T00:00:04Z");

    RawRecord event = records.get(1);
    assertThat(event.source).isEqualTo(SourceKind.EVENTS);
    assertThat(event.sequence).isEqualTo(1);
    JsonNode e = JSON.readTree(event.payload);
    assertThat(e.get("event_type").asText()).isEqualTo("PRODUCT_VIEW");
    assertThat(e.get("occurred_at").asText()).isEqualTo("2019-10-01T00:00:05Z");
    assertThat(e.get("channel").asText()).isEqualTo("WEB");
    assertThat(e.get("customer_id").asText()).isEqualTo("554748717");
    assertThat(e.get("authenticated").asBoolean()).isTrue();
    assertThat(e.get("anonymous_id").asText()).isEqualTo("s-1");
    assertThat(e.get("event_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-.*");
    JsonNode item = e.get("items").get(0);
    assertThat(e.get("items").size()).isEqualTo(1);
    assertThat(item.get("sku").asText()).isEqualTo("3900821");
    assertThat(item.get("name").asText()).isEqualTo("aqua water heater");
    assertThat(item.get("price").decimalValue()).isEqualByComparingTo("33.20");
    assertThat(item.get("currency").asText()).isEqualTo("USD");
    assertThat(item.get("quantity").asInt()).isEqualTo(1);
  }

  @Test
  void eventTypesMapToContract() throws Exception {
    List<RawRecord> records =
        readAll(
            HEADER,
            row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", "1"),
            row("2019-10-01 00:00:01 UTC", "cart", "7", "1.00", "1"),
            row("2019-10-01 00:00:02 UTC", "remove_from_cart", "7", "1.00", "1"),
            row("2019-10-01 00:00:03 UTC", "purchase", "7", "1.00", "1"));

    List<String> types = new ArrayList<>();
    for (RawRecord r : records) {
      if (r.source == SourceKind.EVENTS) {
        types.add(JSON.readTree(r.payload).get("event_type").asText());
      }
    }
    assertThat(types)
        .containsExactly("PRODUCT_VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "PURCHASE");
    assertThat(records.stream().filter(r -> r.source == SourceKind.PROFILES)).hasSize(1);
  }

  @Test
  void recordsDecodeAsContract() throws Exception {
    List<RawRecord> records =
        readAll(
            HEADER,
            "2019-10-01 02:11:00 UTC,cart,44600062,2103807459595387724,,shiseido,35.79,"
                + "541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c");

    Signal profile = RecordDecoder.decode(records.get(0).source, records.get(0).payload);
    assertThat(profile.kind).isEqualTo(Signal.Kind.PROFILE);
    assertThat(profile.customerId).isEqualTo("541312140");
    assertThat(profile.emails).containsExactly("541312140@example.invalid");
    assertThat(profile.emailConsent).isEqualTo("OPTED_IN");
    assertThat(profile.pushConsent).isEqualTo("OPTED_IN");
    assertThat(profile.timeZone).isEqualTo("Asia/Kolkata");
    assertThat(profile.time).isEqualTo(Instant.parse("2019-10-01T02:10:59Z").toEpochMilli());

    Signal event = RecordDecoder.decode(records.get(1).source, records.get(1).payload);
    assertThat(event.kind).isEqualTo(Signal.Kind.EVENT);
    assertThat(event.eventType).isEqualTo("ADD_TO_CART");
    assertThat(event.time).isEqualTo(Instant.parse("2019-10-01T02:11:00Z").toEpochMilli());
    assertThat(event.channel).isEqualTo("WEB");
    assertThat(event.customerId).isEqualTo("541312140");
    assertThat(event.authenticated).isTrue();
    assertThat(event.anonymousId).isEqualTo("72d76fde-8bb3-4e00-8c23-a032dfed738c");
    assertThat(event.items).hasSize(1);
    CartItem item = event.items.get(0);
    assertThat(item.sku).isEqualTo("44600062");
    assertThat(item.name).isEqualTo("shiseido");
    assertThat(item.price).isEqualTo(35.79);
    assertThat(item.currency).isEqualTo("USD");
    assertThat(item.quantity).isEqualTo(1);
  }

  @Test
  void eventIdsAreStablePerLine() throws Exception {
    String same = row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", "1");
    List<String> first = eventIds(readAll(HEADER, same, same));
    List<String> second = eventIds(readAll(HEADER, same, same));

    assertThat(first).hasSize(2);
    assertThat(first.get(0)).isNotEqualTo(first.get(1));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void badRowsAreCountedPerReason() throws Exception {
    Rees46Reader reader =
        reader(
            HEADER,
            row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", "1"),
            "2019-10-01 00:00:00 UTC,view,7,1,,,1.00,1",
            "2019-10-01 00:00:00 UTC,view,7,1,,,1.00,1,s,extra",
            row("2019-13-01 00:00:00 UTC", "view", "7", "1.00", "1"),
            row("2019-10-01 00:00:00", "view", "7", "1.00", "1"),
            row("yesterday", "view", "7", "1.00", "1"),
            row("2019-10-01 00:00:00 UTC", "wishlist", "7", "1.00", "1"),
            row("2019-10-01 00:00:00 UTC", "", "7", "1.00", "1"),
            row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", " "),
            row("2019-10-01 00:00:00 UTC", "view", "", "1.00", "1"),
            row("2019-10-01 00:00:00 UTC", "view", "7", "abc", "1"),
            row("2019-10-01 00:00:00 UTC", "view", "7", "-1", "1"),
            row("2019-10-01 00:00:00 UTC", "view", "7", "NaN", "1"),
            row("2019-10-01 00:00:00 UTC", "view", "7", "", "1"),
            "",
            row("2019-10-01 00:00:00 UTC", "view", "7", "0.00", "2"));

    List<RawRecord> records = drainRecords(reader);
    Rees46Stats stats = reader.stats();

    assertThat(stats.rowsRead()).isEqualTo(15);
    assertThat(stats.rowsAccepted()).isEqualTo(2);
    assertThat(stats.rowsRejected()).isEqualTo(13);
    assertThat(stats.rejected(Rejection.WRONG_COLUMN_COUNT)).isEqualTo(2);
    assertThat(stats.rejected(Rejection.INVALID_TIME)).isEqualTo(3);
    assertThat(stats.rejected(Rejection.UNKNOWN_EVENT_TYPE)).isEqualTo(2);
    assertThat(stats.rejected(Rejection.MISSING_USER_ID)).isEqualTo(1);
    assertThat(stats.rejected(Rejection.MISSING_PRODUCT_ID)).isEqualTo(1);
    assertThat(stats.rejected(Rejection.INVALID_PRICE)).isEqualTo(4);
    assertThat(stats.customers()).isEqualTo(2);
    assertThat(stats.recordsEmitted()).isEqualTo(4);
    assertThat(records).hasSize(4);
  }

  @Test
  void cartEpisodesFollowPurchases() throws Exception {
    Rees46Reader reader =
        reader(
            HEADER,
            row("2019-10-01 00:00:00 UTC", "cart", "7", "1.00", "1"),
            row("2019-10-01 00:00:01 UTC", "cart", "8", "1.00", "1"),
            row("2019-10-01 00:00:02 UTC", "purchase", "7", "1.00", "1"),
            row("2019-10-01 00:00:03 UTC", "remove_from_cart", "8", "1.00", "1"),
            row("2019-10-01 00:00:04 UTC", "cart", "9", "1.00", "2"),
            row("2019-10-01 00:00:05 UTC", "purchase", "9", "1.00", "3"));

    Rees46Stats stats = reader.drain(bytesRead -> {});

    assertThat(stats.customers()).isEqualTo(3);
    assertThat(stats.customersWithCart()).isEqualTo(2);
    assertThat(stats.cartEpisodes()).isEqualTo(3);
    assertThat(stats.eventsByType())
        .containsEntry("ADD_TO_CART", 3L)
        .containsEntry("REMOVE_FROM_CART", 1L)
        .containsEntry("PURCHASE", 2L);
    assertThat(stats.firstEventAt())
        .isEqualTo(Instant.parse("2019-10-01T00:00:00Z").toEpochMilli());
    assertThat(stats.lastEventAt()).isEqualTo(Instant.parse("2019-10-01T00:00:05Z").toEpochMilli());
  }

  @Test
  void drainCountsLikeIteration() throws Exception {
    String[] lines = {
      HEADER,
      row("2019-10-01 00:00:00 UTC", "cart", "7", "1.00", "1"),
      row("bad", "cart", "7", "1.00", "1"),
      row("2019-10-01 00:00:01 UTC", "view", "8", "1.00", "2"),
    };
    Rees46Reader iterated = reader(lines);
    long records = drainRecords(iterated).size();
    Rees46Stats drained = reader(lines).drain(bytesRead -> {});

    assertThat(drained.recordsEmitted()).isEqualTo(records);
    assertThat(drained.rowsRead()).isEqualTo(iterated.stats().rowsRead());
    assertThat(drained.rowsRejected()).isEqualTo(iterated.stats().rowsRejected());
    assertThat(drained.cartEpisodes()).isEqualTo(iterated.stats().cartEpisodes());
  }

  @Test
  void gzipIsRecognisedByMagicBytes() throws Exception {
    String csv = HEADER + "\n" + row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", "1") + "\n";
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(csv.getBytes(StandardCharsets.UTF_8));
    }
    Rees46Reader reader = new Rees46Reader(new ByteArrayInputStream(zipped.toByteArray()), KOLKATA);

    assertThat(drainRecords(reader)).hasSize(2);
    assertThat(reader.stats().rowsAccepted()).isEqualTo(1);
    assertThat(reader.bytesRead()).isEqualTo(zipped.size());
  }

  @Test
  void inputCountsWhatItYields(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("events.csv");
    Files.write(
        csv,
        List.of(
            HEADER,
            row("2019-10-01 00:00:00 UTC", "view", "7", "1.00", "1"),
            row("2019-10-01 00:00:01 UTC", "cart", "7", "1.00", "1"),
            row("2019-10-01 00:00:02 UTC", "view", "7", "bad", "2"),
            row("2019-10-01 00:00:03 UTC", "view", "8", "1.00", "3")),
        StandardCharsets.UTF_8);
    Rees46Input input = new Rees46Input(csv, KOLKATA, -1);

    long yielded;
    try (Rees46Reader reader = input.open()) {
      yielded = drainRecords(reader).size();
    }

    assertThat(input.count()).isEqualTo(5);
    assertThat(yielded).isEqualTo(5);
    assertThat(new Rees46Input(csv, KOLKATA, 42).count()).isEqualTo(42);
  }

  @Test
  void columnsFollowHeaderOrder() throws Exception {
    List<RawRecord> records =
        readAll(
            "user_id,user_session,event_type,event_time,product_id,category_id,category_code,"
                + "brand,price",
            "42,s-9,cart,2019-10-01 00:00:00 UTC,7,1,electronics.smartphone,apple,999.5");

    JsonNode e = JSON.readTree(records.get(1).payload);
    assertThat(e.get("customer_id").asText()).isEqualTo("42");
    assertThat(e.get("anonymous_id").asText()).isEqualTo("s-9");
    assertThat(e.get("event_type").asText()).isEqualTo("ADD_TO_CART");
    assertThat(e.get("items").get(0).get("name").asText()).isEqualTo("apple smartphone");
  }

  @Test
  void headerWithoutUserIdIsRejected() {
    assertThatThrownBy(() -> reader("event_time,event_type,product_id,price"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'category_code'");
    assertThatThrownBy(() -> reader(HEADER.replace("user_id", "visitor")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'user_id'");
  }

  @Test
  void quotedFieldsMayHoldCommas() throws Exception {
    List<RawRecord> records =
        readAll(
            HEADER,
            "2019-10-01 00:00:00 UTC,view,7,1,\"kids.toys\",\"Smith, \"\"Jr\"\"\",1.00,5,s");

    JsonNode item = JSON.readTree(records.get(1).payload).get("items").get(0);
    assertThat(item.get("name").asText()).isEqualTo("Smith, \"Jr\" toys");
  }

  @Test
  void productNameFallsBack() {
    assertThat(Rees46Reader.productName("", "")).isNull();
    assertThat(Rees46Reader.productName("lenovo", "")).isEqualTo("lenovo");
    assertThat(Rees46Reader.productName("", "computers.notebook")).isEqualTo("notebook");
  }

  @Test
  void userKeysSeparateDecimalFromOtherIds() {
    assertThat(Rees46Reader.userKey("541312140")).isEqualTo(541312140L);
    assertThat(Rees46Reader.userKey("0")).isEqualTo(0L);
    assertThat(Rees46Reader.userKey("u-541312140")).isNegative();
    assertThat(Rees46Reader.userKey("12345678901234567890")).isNegative();
    assertThat(Rees46Reader.userKey("a")).isNotEqualTo(Rees46Reader.userKey("b"));
  }

  @Test
  void userTableKeepsFlagsWhileGrowing() {
    UserTable table = new UserTable();
    for (long user = 0; user < 100_000; user++) {
      table.put(user * 7, user % 3 == 0 ? UserTable.SEEN : (byte) (UserTable.SEEN | 2));
    }

    assertThat(table.size()).isEqualTo(100_000);
    assertThat(table.get(0)).isEqualTo(UserTable.SEEN);
    assertThat(table.get(7)).isEqualTo((byte) 3);
    assertThat(table.get(699_993)).isEqualTo(UserTable.SEEN);
    assertThat(table.get(8)).isZero();
  }

  /** Builds a REES46 row in the standard column order with empty category and brand. */
  private static String row(String time, String type, String product, String price, String user) {
    return String.join(",", time, type, product, "1", "", "", price, user, "s-" + user);
  }

  private static Rees46Reader reader(String... lines) throws IOException {
    byte[] csv = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return new Rees46Reader(new ByteArrayInputStream(csv), KOLKATA);
  }

  private static List<RawRecord> readAll(String... lines) throws IOException {
    return drainRecords(reader(lines));
  }

  private static List<RawRecord> drainRecords(Rees46Reader reader) throws IOException {
    List<RawRecord> records = new ArrayList<>();
    try (reader) {
      // The bound guards against a reader that never ends.
      for (int i = 0; i < 1_000 && reader.hasNext(); i++) {
        records.add(reader.next());
      }
    }
    return records;
  }

  private static List<String> eventIds(List<RawRecord> records) throws IOException {
    List<String> ids = new ArrayList<>();
    for (RawRecord r : records) {
      if (r.source == SourceKind.EVENTS) {
        ids.add(JSON.readTree(r.payload).get("event_id").asText());
      }
    }
    return ids;
  }
}
