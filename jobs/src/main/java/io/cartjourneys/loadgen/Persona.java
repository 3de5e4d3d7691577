package io.cartjourneys.loadgen;

import java.time.ZoneId;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One synthetic shopper, derived from the seed and the person's index alone, so that any session
 * can rebuild its person without keeping a table of all persons in memory.
 */
final class Persona {
  /** Regions shoppers live in, each with a weight. The locale and currency follow the zone. */
  private static final Region[] REGIONS = {
    new Region("Asia/Kolkata", "en-IN", Catalog.Currency.INR, 18),
    new Region("America/New_York", "en-US", Catalog.Currency.USD, 14),
    new Region("America/Los_Angeles", "en-US", Catalog.Currency.USD, 8),
    new Region("America/Chicago", "en-US", Catalog.Currency.USD, 5),
    new Region("Europe/London", "en-GB", Catalog.Currency.GBP, 9),
    new Region("Europe/Berlin", "de-DE", Catalog.Currency.EUR, 9),
    new Region("Europe/Madrid", "es-ES", Catalog.Currency.EUR, 4),
    new Region("Asia/Tokyo", "ja-JP", Catalog.Currency.JPY, 6),
    new Region("Australia/Sydney", "en-AU", Catalog.Currency.AUD, 5),
    new Region("America/Sao_Paulo", "pt-BR", Catalog.Currency.BRL, 6),
    new Region("Africa/Johannesburg", "en-ZA", Catalog.Currency.ZAR, 3),
    new Region("Asia/Singapore", "en-SG", Catalog.Currency.SGD, 4),
    new Region("America/Toronto", "en-CA", Catalog.Currency.CAD, 4),
    new Region("Asia/Kathmandu", "en-IN", Catalog.Currency.INR, 1),
  };
  private static final int REGION_WEIGHT_SUM;

  static {
    int sum = 0;
    for (Region r : REGIONS) {
      sum += r.weight;
    }
    REGION_WEIGHT_SUM = sum;
  }

  private static final String[] FIRST_NAMES = {
    "Ananya", "Liam", "Mia", "Noah", "Aarav", "Sofia", "Lukas", "Yuki", "Chloe", "Mateo", "Zanele",
    "Wei", "Olivia", "Arjun", "Emma", "Lucas", "Isabella", "Kenji", "Amara", "Felix", "Priya",
    "Hannah", "Diego", "Grace", "Rohan", "Lea", "Thabo", "Ava", "Oliver", "Nina"
  };

  final int index;
  /** Null for an anonymous-only visitor, who never logs in and has no CRM profile. */
  final String customerId;
  final boolean usesApp;
  /** The zone the person lives in; activity follows local hours there. */
  final ZoneId zone;
  /** The zone written in the CRM profile: usually {@link #zone}, sometimes missing or invalid. */
  final String profileZone;
  final String locale;
  final Catalog.Currency currency;
  final String firstName;
  final String phone;
  final String emailConsent;
  final String pushConsent;
  final int cookies;
  final int[] favouriteCategories;
  /** Mean sessions per day. */
  final double sessionsPerDay;

  private Persona(long seed, int index, LoadSettings settings) {
    SplittableRandom rnd = new SplittableRandom(Mix.of(seed, 0x70E850A5L, index));
    this.index = index;
    boolean known = rnd.nextDouble() >= settings.anonymousShare();
    this.customerId = known ? "k-" + index : null;
    this.usesApp = known && rnd.nextDouble() < settings.appShare();
    Region region = region(rnd.nextInt(REGION_WEIGHT_SUM));
    this.zone = ZoneId.of(region.zone);
    double zoneDraw = rnd.nextDouble();
    // A few CRM records lack a zone or carry one that does not exist, so the job must fall back.
    if (zoneDraw < 0.02) {
      this.profileZone = null;
    } else if (zoneDraw < 0.025) {
      this.profileZone = "Mars/Olympus_Mons";
    } else {
      this.profileZone = region.zone;
    }
    this.locale = region.locale;
    this.currency = region.currency;
    this.firstName = FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)];
    boolean hasPhone = rnd.nextDouble() < 0.6;
    this.phone = hasPhone ? String.format(Locale.ROOT, "+447700%06d", index % 1_000_000) : null;
    this.emailConsent = consent(rnd.nextDouble(), 0.70, 0.90);
    this.pushConsent = consent(rnd.nextDouble(), 0.55, 0.85);
    this.cookies = 1 + rnd.nextInt(3);
    int first = rnd.nextInt(Catalog.CATEGORIES);
    this.favouriteCategories = new int[] {first, (first + 1 + rnd.nextInt(5)) % Catalog.CATEGORIES};
    double activity = rnd.nextDouble();
    // Most shoppers visit now and then, and a few visit several times a day.
    if (activity < 0.6) {
      this.sessionsPerDay = 0.3;
    } else if (activity < 0.9) {
      this.sessionsPerDay = 1.0;
    } else {
      this.sessionsPerDay = 2.5;
    }
  }

  static Persona of(long seed, int index, LoadSettings settings) {
    return new Persona(seed, index, settings);
  }

  boolean known() {
    return customerId != null;
  }

  String email() {
    return customerId + "@example.invalid";
  }

  String cookie(int n) {
    return "c-" + index + "-" + n;
  }

  String device() {
    return "d-" + index;
  }

  String pushToken() {
    return "t-" + index;
  }

  int category(SplittableRandom rnd) {
    double draw = rnd.nextDouble();
    if (draw < 0.6) {
      return favouriteCategories[0];
    }
    if (draw < 0.85) {
      return favouriteCategories[1];
    }
    return rnd.nextInt(Catalog.CATEGORIES);
  }

  /** Consent draw: OPTED_IN below {@code in}, OPTED_OUT below {@code out}, else UNKNOWN. */
  private static String consent(double draw, double in, double out) {
    if (draw < in) {
      return "OPTED_IN";
    }
    return draw < out ? "OPTED_OUT" : "UNKNOWN";
  }

  private static Region region(int draw) {
    int acc = 0;
    for (Region r : REGIONS) {
      acc += r.weight;
      if (draw < acc) {
        return r;
      }
    }
    return REGIONS[REGIONS.length - 1];
  }

  private record Region(String zone, String locale, Catalog.Currency currency, int weight) {}
}
