package io.cartjourneys.ingest;

import java.time.Instant;

/**
 * Fixed bounds on one input record. They keep a hostile or broken producer from growing state,
 * memory or output without bound through a single record; records inside them are untouched.
 */
public final class InputLimits {
  private InputLimits() {}

  /** A larger record is dead-lettered unread: 1 MiB, Kafka's default maximum message size. */
  public static final int MAX_RECORD_BYTES = 1 << 20;

  /** Identifiers and ids (event_id, anonymous_id, email, order_id and so on), in chars. */
  public static final int MAX_ID_CHARS = 256;

  /** Free text, URLs and push tokens, in chars. */
  public static final int MAX_TEXT_CHARS = 2048;

  /** Item lines on one event; later lines are dropped. */
  public static final int MAX_ITEMS = 200;

  /** Emails and phones on one profile; later entries are dropped. */
  public static final int MAX_CONTACTS = 50;

  /** A larger quantity on one item line is lowered to this. */
  public static final int MAX_QUANTITY = 9_999;

  /** A larger unit price is treated as missing: no currency prices one item this high. */
  public static final double MAX_PRICE = 1e9;

  /** Record times before this instant are dead-lettered (epoch ms, 2000-01-01T00:00:00Z). */
  public static final long MIN_TIME = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  /**
   * Record times from this instant on are dead-lettered (epoch ms, 2100-01-01T00:00:00Z). It also
   * keeps every time plus any configured duration far from overflowing a long.
   */
  public static final long MAX_TIME = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
}
