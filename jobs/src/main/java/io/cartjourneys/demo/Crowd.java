package io.cartjourneys.demo;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.Channel;
import io.cartjourneys.avro.Consent;
import io.cartjourneys.avro.ConsentState;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.Identifiers;
import io.cartjourneys.avro.IdentityLink;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Made-up shoppers on the story's evening, around the real one: some buy, some leave a cart behind
 * (some of them switching from the web to the app on the way), some come back hours later and buy,
 * some never sign in. The same seed gives the same records. All identifiers are synthetic and all
 * email addresses are at example.com.
 */
public final class Crowd {
  /** The crowd starts arriving at this instant, within 3 hours. */
  static final Instant START = Instant.parse("2026-03-14T12:00:00Z");

  private static final Instant PROFILES_UPDATED = Instant.parse("2026-03-01T00:00:00Z");
  private static final String[] ZONES = {
    "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Europe/London", "UTC"
  };
  private static final String[] CURRENCIES = {"INR", "EUR", "USD", "GBP", "USD"};
  private static final String[] SKUS = {
    "SHOE-123", "SHOE-456", "BAG-789", "SOCK-010", "CAP-220", "WATCH-300", "TEE-404", "MAT-550"
  };
  private static final String[] NAMES = {
    "Trail Runner 2",
    "Road Racer",
    "Gym Duffel",
    "Running Socks",
    "Sun Cap",
    "Step Watch",
    "Tech Tee",
    "Yoga Mat"
  };
  private static final double[] PRICES = {49.99, 64.99, 19.99, 7.99, 14.99, 129.0, 24.99, 34.5};

  private enum Shopper {
    /** Signs in, fills a cart and buys within half an hour. */
    BUYER,
    /** Signs in, fills a cart and leaves. */
    ABANDONER,
    /** Fills a cart anonymously on the web, then signs in on the app, and a link joins the two. */
    HANDOFF,
    /** Leaves a cart, then buys one to five hours later. */
    LATE_BUYER,
    /** Browses and sometimes fills a cart without ever signing in. */
    ANONYMOUS
  }

  private final Random random;
  private final List<InputRecord> records = new ArrayList<>();

  private Crowd(long seed) {
    this.random = new Random(seed);
  }

  /**
   * Generates the crowd's profiles, links and events, plus two malformed records on the events
   * topic that the job must dead-letter.
   */
  public static List<InputRecord> generate(long seed, int people) {
    Crowd crowd = new Crowd(seed);
    for (int i = 1; i <= people; i++) {
      crowd.person(i);
    }
    crowd.malformed();
    return crowd.records;
  }

  private void person(int index) {
    String n = String.format("%02d", index);
    String customer = String.format("k-2%03d", index);
    String cookie = "c-crowd-" + n;
    String device = "d-crowd-" + n;
    String token = "tok-crowd-" + n;
    String email = "shopper" + n + "@example.com";
    int zone = random.nextInt(ZONES.length);
    Instant t = START.plusSeconds(random.nextInt(180 * 60));
    double roll = random.nextDouble();
    Shopper shopper =
        roll < 0.25
            ? Shopper.BUYER
            : roll < 0.50
                ? Shopper.ABANDONER
                : roll < 0.62
                    ? Shopper.HANDOFF
                    : roll < 0.75 ? Shopper.LATE_BUYER : Shopper.ANONYMOUS;
    Session s = new Session("crowd-" + n + "-", CURRENCIES[zone]);

    if (shopper == Shopper.ANONYMOUS) {
      s.anonymous(cookie);
      t = s.browse(t, 1 + random.nextInt(4));
      if (random.nextBoolean()) {
        t = s.addToCart(t);
      }
      return;
    }
    profile(customer, email, ZONES[zone]);
    if (shopper == Shopper.HANDOFF) {
      s.anonymous(cookie);
      t = s.browse(t, 1 + random.nextInt(3));
      t = s.addToCart(t);
      t = t.plus(Duration.ofMinutes(5 + random.nextInt(20)));
      s.signIn(Channel.MOBILE_APP, device, customer, email, token);
      s.login(t);
      link("link-crowd-" + n, t.plusSeconds(5), cookie, device);
      return;
    }
    boolean app = random.nextBoolean();
    if (app) {
      s.signIn(Channel.MOBILE_APP, device, customer, email, token);
    } else {
      s.signIn(Channel.WEB, cookie, customer, email, null);
    }
    t = s.login(t);
    t = s.browse(t, 1 + random.nextInt(3));
    t = s.addToCart(t);
    if (random.nextInt(3) == 0) {
      t = s.addToCart(t);
    }
    switch (shopper) {
      case BUYER -> s.purchase(t.plus(Duration.ofMinutes(3 + random.nextInt(20))), "o-crowd-" + n);
      case LATE_BUYER ->
          s.purchase(t.plus(Duration.ofMinutes(60 + random.nextInt(240))), "o-crowd-" + n);
      default -> {
        // The cart is left behind.
      }
    }
  }

  private void profile(String customer, String email, String zone) {
    ConsentState push = random.nextInt(100) < 85 ? ConsentState.OPTED_IN : ConsentState.OPTED_OUT;
    ConsentState mail = random.nextInt(100) < 90 ? ConsentState.OPTED_IN : ConsentState.UNKNOWN;
    records.add(
        InputRecord.of(
            SourceKind.PROFILES,
            CrmProfile.newBuilder()
                .setCustomerId(customer)
                .setEmails(List.of(email))
                .setPhones(List.of())
                .setFirstName("Shopper " + customer.substring(2))
                .setLocale("en")
                .setTimeZone(zone)
                .setConsent(Consent.newBuilder().setEmail(mail).setPush(push).build())
                .setUpdatedAt(PROFILES_UPDATED)
                .setDeleted(false)
                .build()));
  }

  private void link(String linkId, Instant at, String cookie, String device) {
    records.add(
        InputRecord.of(
            SourceKind.LINKS,
            IdentityLink.newBuilder()
                .setLinkId(linkId)
                .setOccurredAt(at)
                .setSource("web-to-app-handoff")
                .setAuthenticated(true)
                .setIdentifiers(
                    Identifiers.newBuilder().setAnonymousId(cookie).setDeviceId(device).build())
                .build()));
  }

  private void malformed() {
    byte[] truncatedJson =
        "{\"event_id\":\"crowd-bad-1\",\"event_type\":\"ADD_TO_CART\",\"occurred_at\""
            .getBytes(StandardCharsets.UTF_8);
    byte[] noise = new byte[24];
    random.nextBytes(noise);
    // Neither '{' nor the Avro single-object marker, so the job reads it as an unknown encoding.
    noise[0] = 0x00;
    records.add(new InputRecord(SourceKind.EVENTS, null, START, truncatedJson));
    records.add(new InputRecord(SourceKind.EVENTS, null, START, noise));
  }

  /** The events of one shopper's visit, on one channel and identifier at a time. */
  private final class Session {
    private final String eventIdPrefix;
    private final String currency;
    private final List<Item> cart = new ArrayList<>();
    private int eventCount;
    private Channel channel = Channel.WEB;
    private String anonymousId;
    private String deviceId;
    private String customerId;
    private String email;
    private String pushToken;

    Session(String eventIdPrefix, String currency) {
      this.eventIdPrefix = eventIdPrefix;
      this.currency = currency;
    }

    void anonymous(String cookie) {
      channel = Channel.WEB;
      anonymousId = cookie;
    }

    /** From now on the session is authenticated as the customer on this channel. */
    void signIn(Channel on, String identifier, String customer, String address, String token) {
      channel = on;
      anonymousId = on == Channel.WEB ? identifier : null;
      deviceId = on == Channel.MOBILE_APP ? identifier : null;
      customerId = customer;
      email = address;
      pushToken = token;
    }

    Instant login(Instant t) {
      event(EventType.LOGIN, t, List.of(), null);
      return t.plusSeconds(20 + random.nextInt(60));
    }

    Instant browse(Instant t, int views) {
      for (int i = 0; i < views; i++) {
        event(EventType.PRODUCT_VIEW, t, List.of(item(random.nextInt(SKUS.length))), null);
        t = t.plusSeconds(30 + random.nextInt(120));
      }
      return t;
    }

    Instant addToCart(Instant t) {
      Item item = item(random.nextInt(SKUS.length));
      cart.add(item);
      event(EventType.ADD_TO_CART, t, List.of(item), null);
      return t.plusSeconds(30 + random.nextInt(90));
    }

    void purchase(Instant t, String orderId) {
      event(EventType.PURCHASE, t, List.copyOf(cart), orderId);
    }

    private Item item(int product) {
      return Item.newBuilder()
          .setSku(SKUS[product])
          .setName(NAMES[product])
          .setPrice(PRICES[product])
          .setCurrency(currency)
          .setQuantity(1)
          .setImageUrl(
              "https://shop.example/img/" + SKUS[product].toLowerCase(Locale.ROOT) + ".jpg")
          .setProductUrl("https://shop.example/p/" + SKUS[product].toLowerCase(Locale.ROOT))
          .build();
    }

    private void event(EventType type, Instant at, List<Item> items, String orderId) {
      eventCount++;
      records.add(
          InputRecord.of(
              SourceKind.EVENTS,
              BehaviourEvent.newBuilder()
                  .setEventId(eventIdPrefix + eventCount)
                  .setEventType(type)
                  .setOccurredAt(at)
                  .setChannel(channel)
                  .setAnonymousId(anonymousId)
                  .setDeviceId(deviceId)
                  .setCustomerId(customerId)
                  .setEmail(type == EventType.LOGIN ? email : null)
                  .setAuthenticated(customerId != null)
                  .setPushToken(pushToken)
                  .setCartId(
                      type == EventType.ADD_TO_CART || type == EventType.PURCHASE
                          ? eventIdPrefix + "cart"
                          : null)
                  .setOrderId(orderId)
                  .setItems(items)
                  .build()));
    }
  }
}
