package io.cartjourneys.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the job with its default. The {@link Doc} annotation on each field is the one
 * place its description, unit and allowed range are written: {@link Options} builds the registry
 * from it, {@link ConfigLoader} validates against it and the configuration reference is generated
 * from it. Keys are the field names in kebab-case ({@code journey.recency-limit}); durations are
 * written like {@code 30m} or {@code 7d}.
 */
public class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  @Doc("Abandonment, decision and orchestration policy.")
  public Journey journey = new Journey();

  @Doc("Identity stitching: which identifiers may link, and how long anonymous records are held.")
  public Identity identity = new Identity();

  @Doc("Event time.")
  public Time time = new Time();

  @Doc("Kafka topics and client properties for live mode.")
  public Kafka kafka = new Kafka();

  @Doc("Flink runtime settings.")
  public Runtime runtime = new Runtime();

  /** Abandonment, decision and orchestration policy. */
  public static class Journey implements Serializable {
    private static final long serialVersionUID = 1L;

    @Doc(
        value =
            "A cart counts as abandoned after no cart change and no purchase for this long after"
                + " its last cart change.",
        min = "1s")
    public Duration inactivity = Duration.ofMinutes(30);

    @Doc(
        value =
            "A cart whose last change is older than this when its person becomes known is not"
                + " acted on. Also the window in which a repeated event or link id is a duplicate.",
        min = "0")
    public Duration recencyLimit = Duration.ofHours(24);

    @Doc(value = "Delay of the first touch after the decision.", min = "0")
    public Duration firstTouchDelay = Duration.ZERO;

    @Doc(
        value =
            "Delay of the follow-up email after a push first touch, counted from the first"
                + " touch's deliver_after.",
        min = "0")
    public Duration followUpDelay = Duration.ofHours(4);

    @Doc(
        "Start of the quiet hours in the person's local time; sends due inside move to their"
            + " end.")
    public LocalTime quietHoursStart = LocalTime.of(22, 0);

    @Doc(
        "End of the quiet hours in the person's local time (exclusive). Equal start and end turn"
            + " quiet hours off.")
    public LocalTime quietHoursEnd = LocalTime.of(8, 0);

    @Doc("Time zone used when a profile has no time zone or an unknown one.")
    public ZoneId defaultTimeZone = ZoneId.of("UTC");

    @Doc(
        value = "Gateways drop a command older than this, counted from its deliver_after.",
        min = "1m")
    public Duration commandExpiry = Duration.ofHours(6);

    @Doc(
        value =
            "At most one journey per person in this period, counted from the first touch of the"
                + " previous journey.",
        min = "0")
    public Duration reentryCooldown = Duration.ofDays(7);

    @Doc(
        value =
            "Share of persons, chosen by a stable hash of the customer id, who enter journeys but"
                + " get no messages, for uplift measurement.",
        unit = "percent",
        min = "0",
        max = "100")
    public double holdoutPercent = 0.0;

    @Doc(
        value = "A purchase this long after a first touch counts as a conversion of that journey.",
        min = "0")
    public Duration attributionWindow = Duration.ofDays(3);

    @Doc(value = "At most one push per person in this period.", min = "0")
    public Duration pushFrequencyCap = Duration.ofHours(24);

    @Doc(value = "At most one email per person in this period.", min = "0")
    public Duration emailFrequencyCap = Duration.ofHours(16);

    @Doc(
        value = "How many recently viewed products a command carries.",
        unit = "products",
        min = "0",
        max = "100")
    public int recentlyViewedLimit = 5;

    @Doc("Template name of the first-touch push.")
    public String pushTemplate = "cart-abandoned-push";

    @Doc("Template name of a first-touch email.")
    public String emailTemplate = "cart-abandoned-email";

    @Doc("Template name of the follow-up email.")
    public String followUpTemplate = "cart-abandoned-follow-up";
  }

  /** Identity stitching bounds. */
  public static class Identity implements Serializable {
    private static final long serialVersionUID = 1L;

    @Doc(
        value =
            "Records held per anonymous identifier while it has no owner; the oldest go first"
                + " when the buffer is full.",
        unit = "records",
        min = "1")
    public int anonymousBufferLimit = 200;

    @Doc(
        value =
            "Held records older than this, measured from the record that releases them, are"
                + " dropped. Keep it at least recency-limit plus inactivity, so that every cart"
                + " that could still be decided is kept.",
        min = "0")
    public Duration anonymousBufferTtl = Duration.ofHours(25);

    @Doc(
        value =
            "A web cookie or device id without any record for this long, in event time, loses"
                + " its link to its owner and its state is removed; its next record is anonymous"
                + " until the next login. Bounds the state of identifiers seen once and never"
                + " again.",
        min = "1m")
    public Duration anonymousRetention = Duration.ofDays(90);

    @Doc("Identifier values that never link anything, compared case-insensitively.")
    public List<String> blockList = new ArrayList<>();

    @Doc(
        "Region of phone numbers written without a country code: an ISO 3166 alpha-2 code that"
            + " libphonenumber supports, such as US or IN.")
    public String defaultPhoneRegion = "US";

    @Doc(
        value =
            "Emails linked to one person at most; links beyond are rejected with an audit record.",
        unit = "emails",
        min = "1")
    public int maxEmailsPerPerson = 5;

    @Doc(
        value = "Phone numbers linked to one person at most; links beyond are rejected.",
        unit = "phones",
        min = "1")
    public int maxPhonesPerPerson = 5;

    @Doc(
        value = "Devices linked to one person at most; links beyond are rejected.",
        unit = "devices",
        min = "1")
    public int maxDevicesPerPerson = 20;

    @Doc(
        value = "Web cookies linked to one person at most; links beyond are rejected.",
        unit = "cookies",
        min = "1")
    public int maxCookiesPerPerson = 100;

    @Doc(
        value =
            "A device or cookie not seen authenticated for this long stops counting towards the"
                + " per-person limits.",
        min = "1m")
    public Duration limitWindow = Duration.ofDays(90);
  }

  /** Event time. */
  public static class Time implements Serializable {
    private static final long serialVersionUID = 1L;

    @Doc(value = "The watermark trails the largest event time seen by this much.", min = "0")
    public Duration watermarkLag = Duration.ofSeconds(5);

    @Doc(
        value =
            "After this long without records, the watermark of a Kafka partition follows the wall"
                + " clock (minus the lag), so that due commands go out on time at 3 a.m. and an"
                + " empty topic does not hold the others back for longer. A new job whose"
                + " feedback or links topic is still empty sends its first commands only after"
                + " this timeout.",
        min = "1s")
    public Duration idleTimeout = Duration.ofSeconds(30);

    @Doc(
        "Kafka input always follows the wall clock when idle (see idle-timeout). This does the"
            + " same for file and generated input, which is pure event time by default, as"
            + " replays require.")
    public boolean followWallClockWhenIdle = false;

    @Doc(
        value =
            "A record dated more than this ahead of the largest time its input task has seen is"
                + " dead-lettered as time-too-far-ahead, so that one wrong clock cannot move the"
                + " watermark, and with it every timer, into the far future. The first record of"
                + " a task is not checked. Generous, because replays may have gaps.",
        min = "1s")
    public Duration maxJump = Duration.ofDays(365);
  }

  /** Kafka topics and client properties for live mode. */
  public static class Kafka implements Serializable {
    private static final long serialVersionUID = 1L;

    @Doc("Kafka bootstrap servers, host:port pairs separated by commas.")
    public String bootstrapServers = "127.0.0.1:9092";

    @Doc("Consumer group id of the input readers.")
    public String groupId = "cart-journeys";

    @Doc("Prefix of the transactional ids of the exactly-once producers.")
    public String transactionalIdPrefix = "cart-journeys";

    @Doc("Input topic of behaviour events.")
    public String eventsTopic = "cj.events";

    @Doc("Input topic of CRM profiles.")
    public String profilesTopic = "cj.profiles";

    @Doc("Input topic of identity links.")
    public String linksTopic = "cj.links";

    @Doc("Input topic of delivery feedback from the gateways.")
    public String feedbackTopic = "cj.feedback";

    @Doc("Output topic of push commands.")
    public String pushTopic = "cj.commands.push";

    @Doc("Output topic of email commands.")
    public String emailTopic = "cj.commands.email";

    @Doc("Output topic of decision audit records.")
    public String decisionsTopic = "cj.decisions";

    @Doc("Output topic of conversions.")
    public String conversionsTopic = "cj.conversions";

    @Doc("Output topic of records that could not be processed.")
    public String deadLettersTopic = "cj.dead-letters";

    @Doc(
        value =
            "Passed to every Kafka client unchanged: security.protocol, sasl.*, ssl.* and so"
                + " on. Logs show the property names only.",
        sensitive = true)
    public Map<String, String> properties = new LinkedHashMap<>();

    @Doc(
        value = "Where a consumer group without committed offsets starts reading.",
        allowed = {"earliest", "latest"})
    public String startingOffsets = "earliest";
  }

  /** Flink runtime settings. */
  public static class Runtime implements Serializable {
    private static final long serialVersionUID = 1L;

    @Doc(value = "Parallelism of the job's operators.", unit = "tasks", min = "1", max = "32768")
    public int parallelism = 1;

    @Doc(
        value =
            "Key groups of the keyed state: the highest parallelism the job can scale to. A"
                + " savepoint restores only into a job with the same value, so choose it once,"
                + " before the first savepoint that matters.",
        unit = "tasks",
        min = "1",
        max = "32768")
    public int maxParallelism = 128;

    @Doc(value = "Interval between checkpoints.", min = "1s")
    public Duration checkpointInterval = Duration.ofSeconds(10);

    @Doc(
        value = "State backend: hashmap keeps state on the heap, rocksdb on local disk.",
        allowed = {"hashmap", "rocksdb"})
    public String stateBackend = "hashmap";

    @Doc(
        value =
            "Durable checkpoint location such as s3://bucket/path; unset keeps the cluster's"
                + " execution.checkpointing.dir.",
        optional = true)
    public String checkpointDirectory = null;
  }

  /**
   * Loads the defaults overridden by the file, if one is given. Environment variables and command-line
   * overrides are applied by {@link ConfigLoader}.
   *
   * @throws ConfigException listing every invalid or unknown setting
   */
  public static JobConfig load(Path file) throws IOException {
    return new ConfigLoader().file(file).load();
  }

  /**
   * Rejects settings that cannot work, such as values changed in code after loading.
   *
   * @throws ConfigException listing every problem, each naming its key and the allowed range
   */
  public void validate() {
    List<String> problems = new ArrayList<>();
    Options.check(this, problems);
    checkValues(problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** Adds problems that a setting's documented range cannot express. */
  void checkValues(List<String> problems) {
    if (runtime.parallelism > runtime.maxParallelism) {
      problems.add(
          "runtime.parallelism: "
              + runtime.parallelism
              + " is above runtime.max-parallelism "
              + runtime.maxParallelism
              + "; lower the parallelism, or raise max-parallelism for a job without savepoints"
              + " to keep");
    }
    String region = identity.defaultPhoneRegion;
    if (region != null
        && !region.isBlank()
        && !PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
      problems.add(
          "identity.default-phone-region: unknown region '"
              + region
              + "'; use an ISO 3166 alpha-2 code such as US or IN");
    }
  }

  /**
   * Settings that are valid but risky or degrade results, as sentences for a WARN log line at
   * start.
   */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    Duration needed = journey.recencyLimit.plus(journey.inactivity);
    if (identity.anonymousBufferTtl.compareTo(needed) < 0) {
      warnings.add(
          "identity.anonymous-buffer-ttl ("
              + Durations.format(identity.anonymousBufferTtl)
              + ") is shorter than journey.recency-limit plus journey.inactivity ("
              + Durations.format(needed)
              + "): anonymous carts may expire before their person becomes known");
    }
    if (time.watermarkLag.compareTo(Duration.ofMinutes(10)) > 0) {
      warnings.add(
          "time.watermark-lag is "
              + Durations.format(time.watermarkLag)
              + ": every decision and command waits at least this long");
    }
    if (journey.holdoutPercent > 50) {
      warnings.add(
          "journey.holdout-percent is "
              + journey.holdoutPercent
              + ": most persons who enter a journey get no messages");
    }
    if (journey.commandExpiry.compareTo(Duration.ofMinutes(30)) < 0) {
      warnings.add(
          "journey.command-expiry is "
              + Durations.format(journey.commandExpiry)
              + ": gateways that lag behind will drop most commands");
    }
    if (journey.quietHoursStart.equals(journey.quietHoursEnd)) {
      warnings.add(
          "journey.quiet-hours-start equals journey.quiet-hours-end: quiet hours are off and"
              + " commands may be delivered at night");
    }
    return warnings;
  }
}
