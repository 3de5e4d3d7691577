package io.cartjourneys.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a synthetic input set in the JSON Lines contract: {@code profiles.jsonl},
 * {@code events.jsonl}, {@code links.jsonl}, an empty {@code feedback.jsonl} and a
 * {@code manifest.json} with the settings and the counts of what was written.
 *
 * <p>Memory stays bounded by the arrival rate, not by the total. Each UTC day is planned as a
 * sorted array of session starts (8 bytes per session), and sessions are built in start order.
 * Their lines wait in a priority queue ordered by arrival time. A line is written once no session
 * still to be built can arrive before it, so each file is in arrival order. Arrival equals event
 * time except for the lines the generator delays on purpose: a small share of events arrives
 * seconds to minutes late, and a small share of app sessions arrives as one batch hours late.
 */
public final class LoadGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

  public static final String EVENTS = "events.jsonl";
  public static final String PROFILES = "profiles.jsonl";
  public static final String LINKS = "links.jsonl";
  public static final String FEEDBACK = "feedback.jsonl";
  public static final String MANIFEST = "manifest.json";

  private static final long SECOND = 1_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  /** Relative traffic per local hour 0..23: quiet at night, peaks at lunch and in the evening. */
  private static final double[] HOUR_WEIGHTS = {
    1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3.0, 3.2, 3.5, 4.0, 3.8, 3.4, 3.2, 3.3, 3.8, 4.5,
    5.5, 6.0, 5.5, 4.0, 2.0
  };

  /** Share of events that arrive 1 to 120 seconds after later events. */
  static final double OUT_OF_ORDER_SHARE = 0.02;

  /** Share of app sessions whose events arrive together, 30 minutes to 6 hours late. */
  static final double LATE_BATCH_SHARE = 0.03;

  /** Sessions per person and day are capped so that the session number fits in 4 bits. */
  private static final int MAX_SESSIONS_PER_DAY = 15;

  private final LoadSettings settings;
  private final Catalog catalog;
  private final LoadCounts counts = new LoadCounts();
  private final PriorityQueue<Pending> queue = new PriorityQueue<>();
  private long sequence;
  private Writer events;
  private Writer profiles;
  private Writer links;

  private LoadGenerator(LoadSettings settings) {
    this.settings = settings;
    this.catalog = new Catalog(settings.seed());
  }

  /** Generates the files into {@code dir}, creating it, and returns the counts. */
  public static LoadCounts generate(LoadSettings settings, Path dir) throws IOException {
    Files.createDirectories(dir);
    LoadGenerator g = new LoadGenerator(settings);
    try (Writer e = writer(dir.resolve(EVENTS));
        Writer p = writer(dir.resolve(PROFILES));
        Writer l = writer(dir.resolve(LINKS));
        Writer f = writer(dir.resolve(FEEDBACK))) {
      g.events = e;
      g.profiles = p;
      g.links = l;
      g.run();
    }
    g.writeManifest(dir.resolve(MANIFEST));
    return g.counts;
  }

  private static Writer writer(Path file) throws IOException {
    return new BufferedWriter(
        new java.io.OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
        1 << 20);
  }

  private void run() throws IOException {
    writeInitialProfiles();
    long start = settings.start().toEpochMilli();
    for (int day = 0; day < settings.days(); day++) {
      long dayStart = start + day * DAY;
      long[] plan = plan(day, dayStart);
      Arrays.sort(plan);
      for (long packed : plan) {
        long at = dayStart + (packed >>> 32);
        int person = (int) ((packed & 0xFFFF_FFFFL) >>> 4);
        int session = (int) (packed & 0xF);
        flushBefore(at);
        Persona p = Persona.of(settings.seed(), person, settings);
        new Session(p, day, session, at).build();
      }
      LOG.info(
          "generated day {} of {}: {} sessions, {} events so far, {} lines waiting",
          day + 1,
          settings.days(),
          plan.length,
          counts.events,
          queue.size());
    }
    flushBefore(Long.MAX_VALUE);
  }

  /** Writes every known person's CRM profile, dated in the 30 days before the first activity. */
  private void writeInitialProfiles() throws IOException {
    long span = 30 * DAY;
    long begin = settings.start().toEpochMilli() - span;
    long step = Math.max(1, span / settings.persons());
    SplittableRandom jitter = new SplittableRandom(Mix.of(settings.seed(), 0xC0FFEEL));
    for (int i = 0; i < settings.persons(); i++) {
      Persona p = Persona.of(settings.seed(), i, settings);
      long at = begin + i * step + jitter.nextLong(step);
      if (p.known()) {
        profiles.write(profile(p, at, p.emailConsent, p.pushConsent));
        profiles.write('\n');
        counts.profiles++;
        counts.knownPersons++;
        if (p.usesApp) {
          counts.appPersons++;
        }
      }
    }
  }

  /**
   * Plans the session starts of one UTC day as {@code (millis into the day << 32) | (person << 4)
   * | session}, so that sorting the array sorts by start time. A session starts at a local hour
   * drawn from {@link #HOUR_WEIGHTS} in the person's zone.
   */
  private long[] plan(int day, long dayStart) {
    long[] plan = new long[Math.max(16, settings.persons())];
    int n = 0;
    double weightSum = Arrays.stream(HOUR_WEIGHTS).sum();
    for (int i = 0; i < settings.persons(); i++) {
      Persona p = Persona.of(settings.seed(), i, settings);
      SplittableRandom rnd = new SplittableRandom(Mix.of(settings.seed(), 0xDA7L, i, day));
      int sessions = Math.min(MAX_SESSIONS_PER_DAY, poisson(rnd, p.sessionsPerDay));
      long offset = p.zone.getRules().getOffset(java.time.Instant.ofEpochMilli(dayStart))
          .getTotalSeconds() * SECOND;
      for (int k = 0; k < sessions; k++) {
        int hour = localHour(rnd.nextDouble() * weightSum);
        long local = hour * HOUR + rnd.nextLong(HOUR);
        long inDay = Math.floorMod(local - offset, DAY);
        if (n == plan.length) {
          plan = Arrays.copyOf(plan, plan.length * 2);
        }
        plan[n++] = (inDay << 32) | ((long) i << 4) | k;
      }
    }
    return Arrays.copyOf(plan, n);
  }

  private static int localHour(double draw) {
    double acc = 0;
    for (int h = 0; h < 24; h++) {
      acc += HOUR_WEIGHTS[h];
      if (draw < acc) {
        return h;
      }
    }
    return 23;
  }

  /** Knuth's method, fine for the small means used here. */
  private static int poisson(SplittableRandom rnd, double mean) {
    double limit = Math.exp(-mean);
    double product = rnd.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rnd.nextDouble();
      k++;
    }
    return k;
  }

  private void flushBefore(long arrival) throws IOException {
    while (!queue.isEmpty() && queue.peek().arrival < arrival) {
      Pending p = queue.poll();
      Writer w =
          switch (p.target) {
            case EVENTS -> events;
            case PROFILES -> profiles;
            case LINKS -> links;
          };
      w.write(p.line);
      w.write('\n');
    }
  }

  private void enqueue(Target target, long arrival, String line) {
    queue.add(new Pending(arrival, sequence++, target, line));
  }

  private String profile(Persona p, long at, String emailConsent, String pushConsent) {
    JsonLine j =
        new JsonLine()
            .field("customer_id", p.customerId)
            .raw("emails", JsonLine.stringArray(p.email()));
    if (p.phone != null) {
      j.raw("phones", JsonLine.stringArray(p.phone));
    }
    return j.field("first_name", p.firstName)
        .field("locale", p.locale)
        .field("time_zone", p.profileZone)
        .raw(
            "consent",
            new JsonLine().field("email", emailConsent).field("push", pushConsent).end())
        .field("updated_at", Times.iso(at, p.zone))
        .field("deleted", false)
        .end();
  }

  private void writeManifest(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    ObjectNode s = root.putObject("settings");
    s.put("persons", settings.persons());
    s.put("days", settings.days());
    s.put("seed", settings.seed());
    s.put("start", settings.start().toString());
    s.put("anonymous_share", settings.anonymousShare());
    s.put("app_share", settings.appShare());
    s.put("purchase_share", settings.purchaseShare());
    s.put("duplicate_share", settings.duplicateShare());
    s.put("malformed_share", settings.malformedShare());
    root.set("counts", json.valueToTree(counts));
    json.writeValue(file.toFile(), root);
  }

  private enum Target {
    EVENTS,
    PROFILES,
    LINKS
  }

  private record Pending(long arrival, long sequence, Target target, String line)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending o) {
      int c = Long.compare(arrival, o.arrival);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /** One visit: its events, identity links and profile changes, with their arrival times. */
  private final class Session {
    private final Persona p;
    private final SplittableRandom rnd;
    private final String idPrefix;
    private final boolean app;
    private final String cookie;
    private final boolean lateBatch;
    private long lateBy;
    private boolean authenticated;
    private long t;
    private int next;

    Session(Persona p, int day, int number, long start) {
      this.p = p;
      this.rnd = new SplittableRandom(Mix.of(settings.seed(), 0x5E55L, p.index, day, number));
      this.idPrefix = "e-" + p.index + "-" + day + "-" + number + "-";
      this.app = p.usesApp && rnd.nextDouble() < 0.6;
      this.cookie = app ? null : cookieFor();
      this.lateBatch = app && rnd.nextDouble() < LATE_BATCH_SHARE;
      if (lateBatch) {
        lateBy = 30 * MINUTE + rnd.nextLong(5 * HOUR + 30 * MINUTE);
      }
      this.t = start;
    }

    /** Mostly the person's own cookies; a few sessions carry a broken tracker's value. */
    private String cookieFor() {
      double draw = rnd.nextDouble();
      if (draw < 0.003) {
        return "undefined";
      }
      if (draw < 0.005) {
        return "00000000-0000-0000-0000-000000000000";
      }
      return p.cookie(rnd.nextInt(p.cookies));
    }

    void build() {
      counts.sessions++;

      // Arrival: app sessions are logged in; web sessions may be remembered from an earlier login.
      if (app) {
        authenticated = p.known();
        event("APP_OPEN", null, null, null);
        if (p.known() && rnd.nextDouble() < 0.1) {
          tick(2, 10);
          login();
        }
      } else if (p.known() && rnd.nextDouble() < 0.25) {
        authenticated = true; // a remembered login: the events carry the customer id
      }

      // Browsing: product views, some of which go into the cart.
      int views = 1 + rnd.nextInt(7);
      int loginAt =
          !app && p.known() && !authenticated && rnd.nextDouble() < 0.3 ? rnd.nextInt(views) : -1;
      int category = p.category(rnd);
      String cart = "cart-" + (app ? p.device() : cookie) + "-" + t / DAY;
      StringBuilder cartItems = new StringBuilder();
      int firstInCart = -1;
      for (int v = 0; v < views; v++) {
        tick(15, 150);
        if (v == loginAt) {
          login();
          tick(2, 20);
        }
        int product = catalog.pick(rnd, rnd.nextDouble() < 0.8 ? category : p.category(rnd));
        event("PRODUCT_VIEW", null, null, items(item(product, 1)));
        if (rnd.nextDouble() < 0.12) {
          tick(5, 60);
          int quantity = rnd.nextDouble() < 0.1 ? 2 : 1;
          String line = item(product, quantity);
          event("ADD_TO_CART", cart, null, items(line));
          cartItems.append(cartItems.length() == 0 ? "" : ",").append(line);
          if (firstInCart < 0) {
            firstInCart = product;
          }
        }
      }

      // The cart's fate: bought now, bought on a later visit, or abandoned.
      if (firstInCart >= 0) {
        counts.carts++;
        if (rnd.nextDouble() < 0.1) {
          tick(10, 90);
          event("REMOVE_FROM_CART", cart, null, items(item(firstInCart, 1)));
        }
        if (rnd.nextDouble() < settings.purchaseShare()) {
          if (rnd.nextDouble() < 0.6) {
            tick(30, 300);
            checkout(cart, "[" + cartItems + "]");
          } else {
            // Comes back later to buy: the journey may start and must then end on the purchase.
            t += HOUR + rnd.nextLong(19 * HOUR);
            if (app) {
              event("APP_OPEN", null, null, null);
            }
            tick(20, 120);
            event("PRODUCT_VIEW", null, null, items(item(firstInCart, 1)));
            tick(30, 300);
            checkout(cart, "[" + cartItems + "]");
          }
        } else if (rnd.nextDouble() < 0.15) {
          tick(30, 300);
          event("CHECKOUT_STARTED", cart, null, "[" + cartItems + "]");
        }
      }

      links();
      if (!app && authenticated && rnd.nextDouble() < 0.05) {
        tick(5, 60);
        event("LOGOUT", null, null, null);
        authenticated = false;
      }
      profileChange();
    }

    private void checkout(String cart, String itemsJson) {
      if (!app && p.known() && !authenticated) {
        login();
        tick(5, 30);
      }
      event("CHECKOUT_STARTED", cart, null, itemsJson);
      tick(30, 240);
      event("PURCHASE", cart, "o-" + idPrefix.substring(2) + next, itemsJson);
      counts.purchases++;
    }

    private void login() {
      authenticated = true;
      event("LOGIN", null, null, null);
      counts.logins++;
    }

    /** Identity links from other systems: web-to-app hand-offs and email clicks. */
    private void links() {
      if (app || !p.known() || cookie.equals("undefined") || cookie.startsWith("0000")) {
        return;
      }
      if (p.usesApp && rnd.nextDouble() < 0.15) {
        tick(1, 30);
        link("web-to-app-handoff", new JsonLine().field("anonymous_id", cookie)
            .field("device_id", p.device()).end());
      }
      if (rnd.nextDouble() < 0.05) {
        tick(1, 30);
        link("email-click", new JsonLine().field("anonymous_id", cookie)
            .field("customer_id", p.customerId).end());
      }
    }

    private void link(String source, String identifiers) {
      // A few links come from a system that cannot vouch for them; the job must reject those.
      boolean vouched = rnd.nextDouble() >= 0.02;
      String line =
          new JsonLine()
              .field("link_id", "l" + idPrefix.substring(1) + next++)
              .field("occurred_at", Times.iso(t, p.zone))
              .field("source", source)
              .field("authenticated", vouched)
              .raw("identifiers", identifiers)
              .end();
      enqueue(Target.LINKS, t, line);
      counts.links++;
    }

    private void profileChange() {
      if (!p.known()) {
        return;
      }
      double draw = rnd.nextDouble();
      if (draw < 0.0005) {
        tick(60, 600);
        String line = new JsonLine()
            .field("customer_id", p.customerId)
            .field("updated_at", Times.iso(t, p.zone))
            .field("deleted", true)
            .end();
        enqueue(Target.PROFILES, t, line);
        counts.profiles++;
        counts.erasures++;
      } else if (draw < 0.01) {
        tick(60, 600);
        String email = rnd.nextBoolean() ? "OPTED_OUT" : "OPTED_IN";
        String push = rnd.nextBoolean() ? p.pushConsent : "OPTED_IN";
        enqueue(Target.PROFILES, t, profile(p, t, email, push));
        counts.profiles++;
      }
    }

    private void tick(int minSeconds, int maxSeconds) {
      t += minSeconds * SECOND + rnd.nextLong((maxSeconds - minSeconds) * SECOND + 1);
    }

    private String item(int product, int quantity) {
      return catalog.itemJson(product, quantity, p.currency);
    }

    private String items(String item) {
      return "[" + item + "]";
    }

    private void event(String type, String cart, String order, String itemsJson) {
      boolean login = type.equals("LOGIN");
      boolean identified = authenticated && !type.equals("LOGOUT");
      String line =
          new JsonLine()
              .field("event_id", idPrefix + next++)
              .field("event_type", type)
              .field("occurred_at", Times.iso(t, p.zone))
              .field("channel", app ? "MOBILE_APP" : "WEB")
              .field("anonymous_id", cookie)
              .field("device_id", app ? p.device() : null)
              .field("customer_id", identified || login ? p.customerId : null)
              .field("email", login ? p.email() : null)
              .field("authenticated", identified)
              .field("push_token", app ? p.pushToken() : null)
              .field("cart_id", cart)
              .field("order_id", order)
              .raw("items", itemsJson == null ? "[]" : itemsJson)
              .end();
      long arrival = t;
      if (lateBatch) {
        arrival += lateBy;
        counts.lateBatched++;
      } else if (rnd.nextDouble() < OUT_OF_ORDER_SHARE) {
        arrival += SECOND + rnd.nextLong(119 * SECOND);
        counts.outOfOrder++;
      }
      enqueue(Target.EVENTS, arrival, line);
      counts.events++;
      if (rnd.nextDouble() < settings.duplicateShare()) {
        enqueue(Target.EVENTS, arrival + rnd.nextLong(10 * MINUTE), line);
        counts.duplicates++;
      }
      if (rnd.nextDouble() < settings.malformedShare()) {
        enqueue(Target.EVENTS, arrival, malformed(line));
        counts.malformed++;
      }
    }

    /** A line the job must dead-letter, of one of the kinds seen from real trackers. */
    private String malformed(String valid) {
      String id = "bad-" + idPrefix.substring(2) + next++;
      return switch (rnd.nextInt(5)) {
        case 0 -> valid.substring(0, valid.length() / 2); // cut off mid-record
        case 1 -> new JsonLine().field("event_id", id)
            .field("occurred_at", Times.iso(t, p.zone)).end();
        case 2 -> new JsonLine().field("event_id", id).field("event_type", "PRODUCT_VIEW")
            .field("occurred_at", "yesterday evening").end();
        case 3 -> new JsonLine().field("event_id", id).field("event_type", "PAGE_PING")
            .field("occurred_at", Times.iso(t, p.zone)).end();
        default -> "GET /collect?v=1&t=pageview HTTP/1.1";
      };
    }
  }
}
