package io.cartjourneys.io.rees46;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams a REES46 e-commerce clickstream CSV, plain or gzip, as input-contract JSON records.
 *
 * <p>Each accepted row becomes one authenticated WEB behaviour event ({@link SourceKind#EVENTS}):
 * {@code user_id} is the customer_id, {@code user_session} the anonymous_id, and the product is the
 * single item (quantity 1, USD). The first accepted row of each user is preceded by a synthesized
 * CRM profile ({@link SourceKind#PROFILES}) with the address {@code <user_id>@example.invalid},
 * push and email consent, the given time zone, and an {@code updated_at} one second before that
 * row. Rows that cannot be mapped are counted per {@link Rejection} in {@link #stats()} and
 * skipped.
 *
 * <p>Memory grows with the number of distinct users (18 to 36 bytes each), not with rows.
 */
public final class Rees46Reader implements RecordIterable.CloseableIterator {
  /** The columns every REES46 export has; their order is taken from the header line. */
  public static final List<String> COLUMNS =
      List.of(
          "event_time",
          "event_type",
          "product_id",
          "category_id",
          "category_code",
          "brand",
          "price",
          "user_id",
          "user_session");

  /** Reason for skipping a row. The checks run in declaration order; summaries print the label. */
  public enum Rejection {
    WRONG_COLUMN_COUNT("wrong-column-count"),
    INVALID_TIME("invalid-time"),
    UNKNOWN_EVENT_TYPE("unknown-event-type"),
    MISSING_USER_ID("missing-user-id"),
    MISSING_PRODUCT_ID("missing-product-id"),
    INVALID_PRICE("invalid-price");

    private final String label;

    Rejection(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final Map<String, String> EVENT_TYPES =
      Map.of(
          "view", "PRODUCT_VIEW",
          "cart", "ADD_TO_CART",
          "remove_from_cart", "REMOVE_FROM_CART",
          "purchase", "PURCHASE");

  /** REES46 writes {@code 2019-10-01 00:00:00 UTC}. Fractions and other zones are also accepted. */
  private static final DateTimeFormatter EVENT_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .appendLiteral(' ')
          .appendZoneOrOffsetId()
          .toFormatter(Locale.ROOT);

  private static final JsonFactory JSON = new JsonFactory();

  private final CountingInputStream counted;
  private final BufferedReader in;
  private final String profileTimeZone;
  private final int columnCount;
  private final int timeColumn;
  private final int typeColumn;
  private final int productColumn;
  private final int categoryColumn;
  private final int brandColumn;
  private final int priceColumn;
  private final int userColumn;
  private final int sessionColumn;

  private final UserTable users = new UserTable();
  private final Rees46Stats stats = new Rees46Stats();
  private final ArrayDeque<RawRecord> pending = new ArrayDeque<>(2);
  private final List<String> fields = new ArrayList<>();
  private final MessageDigest md5;
  private long lineNumber;
  private long sequence;
  private boolean endOfFile;

  /** Set by {@link #drain}: rows are checked and counted, but no records are built. */
  private boolean countOnly;

  // Most rows repeat the previous row's second, so the last parsed time is kept.
  private String lastTimeText;
  private long lastTimeMillis;
  private String lastTimeIso;

  /**
   * Opens the file and reads its header. Gzip is recognised by its magic bytes, whatever the file
   * name.
   *
   * @param profileTimeZone IANA zone written into every synthesized profile
   * @throws IOException if the file cannot be read or its header lacks a REES46 column
   */
  public static Rees46Reader open(Path file, ZoneId profileTimeZone) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      return new Rees46Reader(raw, profileTimeZone);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Reads the CSV from the stream, which the reader closes on {@link #close()}. */
  public Rees46Reader(InputStream raw, ZoneId profileTimeZone) throws IOException {
    this.profileTimeZone = profileTimeZone.getId();
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide MD5", e);
    }
    counted = new CountingInputStream(raw);
    InputStream buffered = new BufferedInputStream(counted, 1 << 16);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    InputStream text = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    in = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8), 1 << 16);

    String header = in.readLine();
    lineNumber = 1;
    if (header == null) {
      throw new IOException(
          "empty input: expected a REES46 CSV header " + String.join(",", COLUMNS));
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    List<String> names = new ArrayList<>();
    splitCsv(header, names);
    columnCount = names.size();
    timeColumn = column(names, "event_time");
    typeColumn = column(names, "event_type");
    productColumn = column(names, "product_id");
    categoryColumn = column(names, "category_code");
    brandColumn = column(names, "brand");
    priceColumn = column(names, "price");
    userColumn = column(names, "user_id");
    sessionColumn = column(names, "user_session");
  }

  private static int column(List<String> header, String name) throws IOException {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IOException(
        "not a REES46 CSV: the header has no column '"
            + name
            + "'; expected the columns "
            + String.join(",", COLUMNS));
  }

  /** Counts over the rows read so far; complete once {@link #hasNext()} returned false. */
  public Rees46Stats stats() {
    return stats;
  }

  /** Bytes taken from the underlying file so far (compressed bytes for gzip), for progress. */
  public long bytesRead() {
    return counted.count;
  }

  @Override
  public boolean hasNext() {
    try {
      while (pending.isEmpty() && !endOfFile) {
        String line = in.readLine();
        if (line == null) {
          endOfFile = true;
        } else {
          lineNumber++;
          if (!line.isBlank()) {
            readRow(line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read line " + (lineNumber + 1), e);
    }
    return !pending.isEmpty();
  }

  @Override
  public RawRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Reads all remaining rows and returns the final counts. Rows are checked and counted, but no
   * records are built, which skips the JSON encoding.
   *
   * @param bytesRead receives {@link #bytesRead()} every 8192 rows and at the end
   */
  public Rees46Stats drain(LongConsumer bytesRead) throws IOException {
    countOnly = true;
    pending.clear();
    String line;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      if (!line.isBlank()) {
        readRow(line);
        if (stats.rowsRead % 8192 == 0) {
          bytesRead.accept(counted.count);
        }
      }
    }
    endOfFile = true;
    bytesRead.accept(counted.count);
    return stats;
  }

  private void readRow(String line) throws IOException {
    stats.rowsRead++;
    Rejection rejection = mapRow(line);
    if (rejection != null) {
      stats.reject(rejection);
    } else {
      stats.rowsAccepted++;
    }
  }

  /** Queues the row's records and returns null, or returns why the row cannot be mapped. */
  private Rejection mapRow(String line) throws IOException {
    splitCsv(line, fields);
    if (fields.size() != columnCount) {
      return Rejection.WRONG_COLUMN_COUNT;
    }
    long time = parseTime(fields.get(timeColumn).trim());
    if (time == Long.MIN_VALUE) {
      return Rejection.INVALID_TIME;
    }
    String eventType = EVENT_TYPES.get(fields.get(typeColumn).trim());
    if (eventType == null) {
      return Rejection.UNKNOWN_EVENT_TYPE;
    }
    String user = fields.get(userColumn).trim();
    if (user.isEmpty()) {
      return Rejection.MISSING_USER_ID;
    }
    String product = fields.get(productColumn).trim();
    if (product.isEmpty()) {
      return Rejection.MISSING_PRODUCT_ID;
    }
    BigDecimal price = parsePrice(fields.get(priceColumn).trim());
    if (price == null) {
      return Rejection.INVALID_PRICE;
    }

    long key = userKey(user);
    byte flags = users.get(key);
    byte updated = flags;
    if (flags == 0) {
      updated = UserTable.SEEN;
      stats.customers++;
      if (!countOnly) {
        byte[] profile = profileJson(user, time - 1_000);
        pending.add(new RawRecord(SourceKind.PROFILES, profile, sequence++));
      }
    }
    if (eventType.equals("ADD_TO_CART") || eventType.equals("REMOVE_FROM_CART")) {
      if ((updated & UserTable.HAD_CART) == 0) {
        stats.customersWithCart++;
      }
      if ((updated & UserTable.CART_OPEN) == 0) {
        stats.cartEpisodes++;
      }
      updated |= UserTable.HAD_CART | UserTable.CART_OPEN;
    } else if (eventType.equals("PURCHASE")) {
      updated &= ~UserTable.CART_OPEN;
    }
    if (updated != flags) {
      users.put(key, updated);
    }

    stats.eventsByType.merge(eventType, 1L, Long::sum);
    stats.firstEventAt = Math.min(stats.firstEventAt, time);
    stats.lastEventAt = Math.max(stats.lastEventAt, time);
    if (countOnly) {
      return null;
    }
    String session = fields.get(sessionColumn).trim();
    String name = productName(fields.get(brandColumn).trim(), fields.get(categoryColumn).trim());
    byte[] event =
        eventJson(eventId(line), eventType, lastTimeIso, user, session, product, name, price);
    pending.add(new RawRecord(SourceKind.EVENTS, event, sequence++));
    return null;
  }

  /**
   * Returns a name-based (version 3) UUID of the line number and the line, so that the same file
   * gives the same ids in every run and identical rows still get distinct ids.
   */
  private String eventId(String line) {
    md5.reset();
    md5.update(("rees46:" + lineNumber + ":").getBytes(StandardCharsets.UTF_8));
    byte[] hash = md5.digest(line.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x30);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = (most << 8) | (hash[i] & 0xff);
      least = (least << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(most, least).toString();
  }

  /**
   * Maps a user id to a table key. Decimal ids (all REES46 ids are) are their own key, so they
   * never collide. Other ids get a 64-bit hash with the sign bit set, so they never meet a decimal
   * key.
   */
  static long userKey(String user) {
    if (user.length() <= 18) {
      long value = 0;
      int i = 0;
      while (i < user.length() && user.charAt(i) >= '0' && user.charAt(i) <= '9') {
        value = value * 10 + (user.charAt(i) - '0');
        i++;
      }
      if (i == user.length()) {
        return value;
      }
    }
    // NOTE: two distinct non-decimal ids with the same hash would share one profile. By the
    // birthday bound over 63 bits, 10^7 such ids have about a 5 in a million chance of one pair.
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < user.length(); i++) {
      hash = (hash ^ user.charAt(i)) * 0x100000001b3L;
    }
    return UserTable.mix(hash) | Long.MIN_VALUE;
  }

  /**
   * Returns epoch ms and sets {@link #lastTimeIso}, or returns {@code Long.MIN_VALUE} when the text
   * is not a time with a zone.
   */
  private long parseTime(String text) {
    if (text.equals(lastTimeText)) {
      return lastTimeMillis;
    }
    long millis;
    try {
      millis = ZonedDateTime.parse(text, EVENT_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
    lastTimeText = text;
    lastTimeMillis = millis;
    lastTimeIso = Instant.ofEpochMilli(millis).toString();
    return millis;
  }

  /** Returns the price, or null unless it is a non-negative decimal number. */
  private static BigDecimal parsePrice(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      BigDecimal price = new BigDecimal(text);
      return price.signum() < 0 ? null : price;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Builds a display name from the brand and the last level of the category code, for example
   * {@code aqua water heater} from {@code aqua} and {@code appliances.environment.water_heater}.
   * Returns null when the row has neither.
   */
  static String productName(String brand, String categoryCode) {
    String category = categoryCode.substring(categoryCode.lastIndexOf('.') + 1).replace('_', ' ');
    if (brand.isEmpty()) {
      return category.isEmpty() ? null : category;
    }
    return category.isEmpty() ? brand : brand + " " + category;
  }

  private byte[] profileJson(String user, long updatedAt) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("customer_id", user);
      g.writeArrayFieldStart("emails");
      g.writeString(user + "@example.invalid");
      g.writeEndArray();
      g.writeStringField("time_zone", profileTimeZone);
      g.writeObjectFieldStart("consent");
      g.writeStringField("email", "OPTED_IN");
      g.writeStringField("push", "OPTED_IN");
      g.writeEndObject();
      g.writeStringField("updated_at", Instant.ofEpochMilli(updatedAt).toString());
      g.writeEndObject();
    }
    return bytes.toByteArray();
  }

  private static byte[] eventJson(
      String eventId,
      String eventType,
      String occurredAt,
      String user,
      String session,
      String product,
      String name,
      BigDecimal price)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("event_id", eventId);
      g.writeStringField("event_type", eventType);
      g.writeStringField("occurred_at", occurredAt);
      g.writeStringField("channel", "WEB");
      g.writeStringField("customer_id", user);
      g.writeBooleanField("authenticated", true);
      if (!session.isEmpty()) {
        g.writeStringField("anonymous_id", session);
      }
      g.writeArrayFieldStart("items");
      g.writeStartObject();
      g.writeStringField("sku", product);
      if (name != null) {
        g.writeStringField("name", name);
      }
      g.writeFieldName("price");
      g.writeNumber(price);
      g.writeStringField("currency", "USD");
      g.writeNumberField("quantity", 1);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
    return bytes.toByteArray();
  }

  /**
   * Splits one CSV line into {@code out}. Fields may be double-quoted, with {@code ""} for a quote
   * inside; a quoted field cannot span lines, which REES46 exports never need.
   */
  static void splitCsv(String line, List<String> out) {
    out.clear();
    int i = 0;
    int n = line.length();
    while (true) {
      if (i < n && line.charAt(i) == '"') {
        StringBuilder field = new StringBuilder();
        i++;
        while (i < n) {
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field.append(c);
          i++;
        }
        // Text between the closing quote and the next comma is kept rather than rejected.
        int comma = line.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        field.append(line, i, end);
        out.add(field.toString());
        if (comma < 0) {
          return;
        }
        i = comma + 1;
      } else {
        int comma = line.indexOf(',', i);
        if (comma < 0) {
          out.add(line.substring(i));
          return;
        }
        out.add(line.substring(i, comma));
        i = comma + 1;
      }
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
