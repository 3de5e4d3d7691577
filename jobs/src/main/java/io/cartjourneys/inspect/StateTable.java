package io.cartjourneys.inspect;

import java.util.List;

/** The CSV tables that inspect-savepoint writes, with their columns in file order. */
public enum StateTable {
  /** One row per person in the decide stage's state. */
  PERSONS(
      "persons",
      List.of(
          "customer_id",
          "has_profile",
          "erased",
          "has_email",
          "has_push_token",
          "email_consent",
          "push_consent",
          "time_zone",
          "cart_lines",
          "cart_value",
          "currency",
          "episode_started_at",
          "last_cart_change_at",
          "last_purchase_at",
          "last_event_at",
          "last_event_channel",
          "last_first_touch_at",
          "profile_updated_at",
          "pending_records")),

  /** One row per line of a person's current cart (changes since the last purchase). */
  CART_LINES(
      "cart_lines", List.of("customer_id", "sku", "name", "quantity", "price", "currency")),

  /** One row per journey the orchestrator still tracks, active or kept for attribution. */
  JOURNEYS(
      "journeys",
      List.of(
          "customer_id",
          "journey_id",
          "channel",
          "active",
          "next_step",
          "next_due_at",
          "first_touch_at",
          "decided_at",
          "episode_started_at",
          "last_cart_change_at",
          "holdout",
          "converted",
          "cart_lines",
          "cart_value",
          "currency")),

  /** One row per anonymous identifier with an owner or with records held for one. */
  IDENTITY_OWNERS(
      "identity_owners", List.of("kind", "identifier", "owner_kind", "owner", "held_records"));

  private final String tableName;
  private final List<String> columns;

  StateTable(String tableName, List<String> columns) {
    this.tableName = tableName;
    this.columns = columns;
  }

  /** Returns the table's name as printed in the summary, such as {@code cart_lines}. */
  public String tableName() {
    return tableName;
  }

  public String fileName() {
    return tableName + ".csv";
  }

  public List<String> columns() {
    return columns;
  }

  String header() {
    return String.join(",", columns);
  }

  /** Name of the accumulator that counts this table's rows. */
  String counterName() {
    return "rows-" + tableName;
  }
}
