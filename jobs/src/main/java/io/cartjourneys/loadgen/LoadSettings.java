package io.cartjourneys.loadgen;

import java.time.Instant;

/**
 * Settings of one generator run.
 *
 * @param persons number of shoppers, known and anonymous
 * @param days days of activity, counted in UTC from {@code start}
 * @param start first instant of activity; CRM profiles are dated in the 30 days before it
 * @param anonymousShare share of persons, 0 to 1, who never log in and have no CRM profile
 * @param appShare share of known persons, 0 to 1, who also use the mobile app
 * @param purchaseShare share of carts, 0 to 1, that end in a purchase
 * @param duplicateShare share of events, 0 to 1, that arrive a second time
 * @param malformedShare share of events, 0 to 1, followed by an undecodable line
 */
public record LoadSettings(
    int persons,
    int days,
    long seed,
    Instant start,
    double anonymousShare,
    double appShare,
    double purchaseShare,
    double duplicateShare,
    double malformedShare) {

  /** Persons are packed into 28 bits of a session key; see {@link LoadGenerator}. */
  public static final int MAX_PERSONS = 1 << 27;

  public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");

  /** Rejects settings that cannot work, naming the option. */
  public LoadSettings {
    if (persons <= 0 || persons > MAX_PERSONS) {
      throw new IllegalArgumentException("--persons must be within 1.." + MAX_PERSONS);
    }
    if (days <= 0 || days > 366) {
      throw new IllegalArgumentException("--days must be within 1..366");
    }
    share("--anonymous-share", anonymousShare);
    share("--app-share", appShare);
    share("--purchase-share", purchaseShare);
    share("--duplicate-share", duplicateShare);
    share("--malformed-share", malformedShare);
  }

  private static void share(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(option + " must be within 0..1, got " + value);
    }
  }
}
