package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.TestDirs;
import io.cartjourneys.cli.JobEnvironment;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;

/**
 * Properties of identity stitching over random small identity graphs, on the real job graph.
 *
 * <p>Each try generates three customers, three cookies and two devices, and a sequence of logins
 * (with push tokens on devices), logouts, cookie-to-device links, links by email, cart changes,
 * views, app opens and purchases within 90 minutes, optionally with a second profile listing the
 * first customer's email and an erasure at a random time. Every cart change and view has its own
 * SKU, so the items in the commands show which person each event resolved to, and each decision
 * names the candidate it decided.
 *
 * <ul>
 *   <li>Arrival order: shuffling the lines of each input file within windows shorter than the
 *       watermark lag (so that no record becomes late) changes no output line.
 *   <li>Parallelism: the same input gives the same output lines at parallelism 1 and 4.
 * </ul>
 *
 * <p>One local cluster with four slots serves every replay. Shrinking is off: each try costs
 * three replays of a few seconds, and the failing sample is reported as it was generated.
 */
class IdentityPropertiesITCase {
  private static final int CUSTOMERS = 3;
  private static final int COOKIES = 3;
  private static final int DEVICES = 2;
  private static final Instant BASE = Instant.parse("2026-03-10T10:00:00Z");

  /** Wider than the default, so that shuffle windows hold several records. */
  private static final Duration LAG = Duration.ofMinutes(10);

  private static final List<String> OUTPUTS =
      List.of(
          ReplaySinks.PUSH,
          ReplaySinks.EMAIL,
          ReplaySinks.DECISIONS,
          ReplaySinks.CONVERSIONS,
          ReplaySinks.DEAD_LETTERS);

  private static MiniClusterWithClientResource cluster;

  @BeforeContainer
  static void startCluster() throws Exception {
    cluster =
        new MiniClusterWithClientResource(
            new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(JobEnvironment.loopbackOnly(new Configuration()))
                .build());
    cluster.before();
  }

  @AfterContainer
  static void stopCluster() {
    if (cluster != null) {
      cluster.after();
    }
  }

  @Property(tries = 12, shrinking = ShrinkingMode.OFF)
  void outputsIgnoreArrivalOrderAndParallelism(
      @ForAll("populations") Population population, @ForAll long shuffleSeed) throws Exception {
    Inputs inputs = population.render();
    Inputs shuffled = inputs.shuffled(new Random(shuffleSeed), LAG);
    Path dir = TestDirs.create("identity-property");

    Map<String, List<String>> one = replay(inputs, 1, dir.resolve("in-order-p1"));
    Map<String, List<String>> four = replay(inputs, 4, dir.resolve("in-order-p4"));
    Map<String, List<String>> reordered = replay(shuffled, 4, dir.resolve("shuffled-p4"));

    int commands = one.get(ReplaySinks.PUSH).size() + one.get(ReplaySinks.EMAIL).size();
    Statistics.label("commands per try").collect(commands == 0 ? "0" : commands < 3 ? "1-2" : "3+");
    assertThat(one.get(ReplaySinks.DEAD_LETTERS)).as("dead letters").isEmpty();
    for (String file : OUTPUTS) {
      assertThat(four.get(file))
          .as("%s at parallelism 4 against 1, input %s", file, dir)
          .isEqualTo(one.get(file));
      assertThat(reordered.get(file))
          .as("%s with shuffled input against input in time order, input %s", file, dir)
          .isEqualTo(four.get(file));
    }
    deleteRecursively(dir);
  }

  private static Map<String, List<String>> replay(Inputs inputs, int parallelism, Path dir)
      throws Exception {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Files.createDirectories(in);
    Files.write(in.resolve("profiles.jsonl"), lines(inputs.profiles));
    Files.write(in.resolve("links.jsonl"), lines(inputs.links));
    Files.write(in.resolve("events.jsonl"), lines(inputs.events));
    JobConfig config = JobConfig.load(null);
    config.time.watermarkLag = LAG;
    config.runtime.parallelism = parallelism;
    ReplayRunner.run(
        new TestStreamEnvironment(cluster.getMiniCluster(), parallelism),
        config,
        new ReplayInput()
            .with(SourceKind.PROFILES, in.resolve("profiles.jsonl"))
            .with(SourceKind.LINKS, in.resolve("links.jsonl"))
            .with(SourceKind.EVENTS, in.resolve("events.jsonl")),
        out,
        ReplayProgress.NONE);
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (String file : OUTPUTS) {
      result.put(file, Files.readAllLines(out.resolve(file)));
    }
    return result;
  }

  private static List<String> lines(List<Line> lines) {
    return lines.stream().map(l -> l.json).toList();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ------------------------------------------------------------------ generation

  enum Kind {
    LOGIN,
    LOGOUT,
    LINK_DEVICE,
    LINK_EMAIL,
    ADD_TO_CART,
    REMOVE_FROM_CART,
    PURCHASE,
    PRODUCT_VIEW,
    APP_OPEN
  }

  /**
   * One generated input record. {@code identifier} and {@code other} index the cookies first,
   * then the devices; {@code flag} makes a cart change or purchase authenticated, or a device
   * login carry the device's push token.
   */
  record Action(
      int minute, int second, Kind kind, int customer, int identifier, int other, boolean flag) {}

  /** A generated population: the actions, whether a second profile lists k-0's email, erasure. */
  record Population(
      List<Action> actions, boolean sharedEmail, int erasedCustomer, int erasureMinute) {

    Inputs render() {
      Inputs in = new Inputs();
      for (int k = 0; k < CUSTOMERS; k++) {
        boolean shares = sharedEmail && k == CUSTOMERS - 1;
        String emails =
            "\"k-" + k + "@example.com\"" + (shares ? ",\"k-0@example.com\"" : "");
        in.profiles.add(
            new Line(
                Instant.parse("2026-03-01T00:00:00Z").plusSeconds(3600L * k),
                "{\"customer_id\":\"k-" + k + "\",\"emails\":[" + emails + "],"
                    + "\"time_zone\":\"UTC\","
                    + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
                    + "\"updated_at\":\"2026-03-01T0" + k + ":00:00Z\"}"));
      }
      if (erasedCustomer >= 0) {
        Instant at = BASE.plusSeconds(60L * erasureMinute + 10);
        in.profiles.add(
            new Line(
                at,
                "{\"customer_id\":\"k-" + erasedCustomer + "\",\"deleted\":true,"
                    + "\"updated_at\":\"" + at + "\"}"));
      }
      List<String> added = new ArrayList<>();
      for (int i = 0; i < actions.size(); i++) {
        Action a = actions.get(i);
        Instant at = BASE.plusSeconds(60L * a.minute() + a.second());
        String id = "e-" + i;
        String customer = "k-" + a.customer();
        switch (a.kind()) {
          case LOGIN -> {
            String token =
                a.flag() && !isCookie(a.identifier())
                    ? ",\"push_token\":\"t-" + identifier(a.identifier()) + "\""
                    : "";
            in.events.add(
                event(id, "LOGIN", at, a.identifier(), customer, true, token + ""));
          }
          case LOGOUT -> in.events.add(event(id, "LOGOUT", at, a.identifier(), null, false, ""));
          case LINK_DEVICE ->
              in.links.add(
                  link(
                      "l-" + i,
                      at,
                      "\"anonymous_id\":\"c-" + (a.identifier() % COOKIES) + "\",\"device_id\":\"d-"
                          + (a.other() % DEVICES) + "\""));
          case LINK_EMAIL ->
              in.links.add(
                  link(
                      "l-" + i,
                      at,
                      "\"anonymous_id\":\"c-" + (a.identifier() % COOKIES) + "\",\"email\":\""
                          + customer + "@example.com\""));
          case ADD_TO_CART -> {
            String sku = "S-" + i;
            added.add(sku);
            in.events.add(
                event(id, "ADD_TO_CART", at, a.identifier(), a.flag() ? customer : null, a.flag(),
                    items(sku)));
          }
          case REMOVE_FROM_CART -> {
            String sku = added.isEmpty() ? "S-none" : added.get(a.other() % added.size());
            in.events.add(
                event(id, "REMOVE_FROM_CART", at, a.identifier(), a.flag() ? customer : null,
                    a.flag(), items(sku)));
          }
          case PURCHASE ->
              in.events.add(
                  event(id, "PURCHASE", at, a.identifier(), a.flag() ? customer : null, a.flag(),
                      ",\"order_id\":\"o-" + i + "\""));
          case PRODUCT_VIEW ->
              in.events.add(event(id, "PRODUCT_VIEW", at, a.identifier(), null, false,
                  items("V-" + i)));
          case APP_OPEN ->
              in.events.add(event(id, "APP_OPEN", at, COOKIES + a.other() % DEVICES, null, false,
                  ""));
        }
      }
      in.sortByTime();
      return in;
    }

    private static boolean isCookie(int identifier) {
      return identifier < COOKIES;
    }

    private static String identifier(int identifier) {
      return isCookie(identifier) ? "c-" + identifier : "d-" + (identifier - COOKIES);
    }

    private static Line event(
        String id, String type, Instant at, int identifier, String customer, boolean auth,
        String extra) {
      boolean cookie = isCookie(identifier);
      String json =
          "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"occurred_at\":\"" + at
              + "\",\"channel\":\"" + (cookie ? "WEB" : "MOBILE_APP") + "\",\""
              + (cookie ? "anonymous_id" : "device_id") + "\":\"" + identifier(identifier) + "\""
              + (customer == null ? "" : ",\"customer_id\":\"" + customer + "\"")
              + ",\"authenticated\":" + auth + extra + "}";
      return new Line(at, json);
    }

    private static Line link(String id, Instant at, String identifiers) {
      return new Line(
          at,
          "{\"link_id\":\"" + id + "\",\"occurred_at\":\"" + at + "\",\"source\":\"test\","
              + "\"authenticated\":true,\"identifiers\":{" + identifiers + "}}");
    }

    private static String items(String sku) {
      return ",\"items\":[{\"sku\":\"" + sku + "\",\"name\":\"n\",\"price\":10.0,"
          + "\"currency\":\"EUR\",\"quantity\":1}]";
    }
  }

  /** One input line and its record time. */
  record Line(Instant time, String json) {}

  /** The three input files, each a list of lines in arrival order. */
  static final class Inputs {
    final List<Line> profiles = new ArrayList<>();
    final List<Line> links = new ArrayList<>();
    final List<Line> events = new ArrayList<>();

    void sortByTime() {
      for (List<Line> file : List.of(profiles, links, events)) {
        file.sort(Comparator.comparing(Line::time));
      }
    }

    /**
     * Returns a copy whose files are shuffled within consecutive windows of records less than
     * {@code lag} apart. Every record then arrives before the watermark passes it: a record is
     * preceded only by records of earlier windows or of its own, so the largest time seen before
     * it is less than its window's start plus the lag.
     */
    Inputs shuffled(Random random, Duration lag) {
      Inputs copy = new Inputs();
      shuffleWindows(profiles, copy.profiles, random, lag);
      shuffleWindows(links, copy.links, random, lag);
      shuffleWindows(events, copy.events, random, lag);
      return copy;
    }

    private static void shuffleWindows(
        List<Line> sorted, List<Line> into, Random random, Duration lag) {
      int start = 0;
      while (start < sorted.size()) {
        Instant windowStart = sorted.get(start).time();
        int end = start;
        while (end < sorted.size()
            && Duration.between(windowStart, sorted.get(end).time()).compareTo(lag) < 0) {
          end++;
        }
        List<Line> window = new ArrayList<>(sorted.subList(start, end));
        Collections.shuffle(window, random);
        into.addAll(window);
        start = end;
      }
    }
  }

  @Provide
  Arbitrary<Population> populations() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequency(
            Tuple.of(4, Kind.LOGIN),
            Tuple.of(1, Kind.LOGOUT),
            Tuple.of(2, Kind.LINK_DEVICE),
            Tuple.of(1, Kind.LINK_EMAIL),
            Tuple.of(5, Kind.ADD_TO_CART),
            Tuple.of(1, Kind.REMOVE_FROM_CART),
            Tuple.of(1, Kind.PURCHASE),
            Tuple.of(2, Kind.PRODUCT_VIEW),
            Tuple.of(1, Kind.APP_OPEN));
    Arbitrary<Action> action =
        Combinators.combine(
                Arbitraries.integers().between(0, 90),
                // Few distinct seconds, so that records often share an instant.
                Arbitraries.of(0, 30),
                kinds,
                Arbitraries.integers().between(0, CUSTOMERS - 1),
                Arbitraries.integers().between(0, COOKIES + DEVICES - 1),
                Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false))
            .as(Action::new);
    return Combinators.combine(
            action.list().ofMinSize(8).ofMaxSize(24),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(-2, CUSTOMERS - 1).map(k -> Math.max(k, -1)),
            Arbitraries.integers().between(0, 90))
        .as(Population::new);
  }
}
