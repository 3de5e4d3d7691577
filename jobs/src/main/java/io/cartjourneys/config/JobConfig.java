package io.cartjourneys.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of the job with its default. A YAML file overrides any subset; keys are
 * kebab-case, durations are written like {@code 30m} or {@code 7d}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public Journey journey = new Journey();
  public Identity identity = new Identity();
  public Time time = new Time();
  public Kafka kafka = new Kafka();
  public Runtime runtime = new Runtime();

  /** Abandonment, decision and orchestration policy. */
  public static class Journey implements Serializable {
    private static final long serialVersionUID = 1L;
    /** No cart change or purchase for this long after the last cart change: abandoned. */
    public Duration inactivity = Duration.ofMinutes(30);
    /** A cart older than this when its person becomes known is not acted on. */
    public Duration recencyLimit = Duration.ofHours(24);
    public Duration firstTouchDelay = Duration.ZERO;
    /** Counted from the first touch's deliver_after. */
    public Duration followUpDelay = Duration.ofHours(4);
    public LocalTime quietHoursStart = LocalTime.of(22, 0);
    public LocalTime quietHoursEnd = LocalTime.of(8, 0);
    /** Used when a profile has no time zone or an unknown one. */
    public ZoneId defaultTimeZone = ZoneId.of("UTC");
    public Duration commandExpiry = Duration.ofHours(6);
    public Duration reentryCooldown = Duration.ofDays(7);
    /** Share of persons, 0 to 100, who enter journeys but get no messages. */
    public double holdoutPercent = 0.0;
    public Duration attributionWindow = Duration.ofDays(3);
    public Duration pushFrequencyCap = Duration.ofHours(24);
    public Duration emailFrequencyCap = Duration.ofHours(16);
    /** How many recently viewed products a command carries. */
    public int recentlyViewedLimit = 5;
    public String pushTemplate = "cart-abandoned-push";
    public String emailTemplate = "cart-abandoned-email";
    public String followUpTemplate = "cart-abandoned-follow-up";
  }

  /** Identity stitching bounds. */
  public static class Identity implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Records held per anonymous identifier while it has no owner. */
    public int anonymousBufferLimit = 200;
    /**
     * Held records older than this, measured from the record that releases them, are dropped. The
     * default covers the recency limit plus the inactivity period, so that every cart that could
     * still be decided is kept.
     */
    public Duration anonymousBufferTtl = Duration.ofHours(25);
    /** Identifier values that never link anything, compared case-insensitively. */
    public java.util.List<String> blockList = new java.util.ArrayList<>();
    /** Region for phone numbers written without a country code (ISO 3166 alpha-2). */
    public String defaultPhoneRegion = "US";
    /** Per-person limits: links beyond these are rejected with an audit record. */
    public int maxEmailsPerPerson = 5;
    public int maxPhonesPerPerson = 5;
    public int maxDevicesPerPerson = 20;
    public int maxCookiesPerPerson = 100;
    /** A device or cookie not seen authenticated for this long stops counting towards a limit. */
    public Duration limitWindow = Duration.ofDays(90);
  }

  /** Event time. */
  public static class Time implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The watermark trails the largest time seen by this much. */
    public Duration watermarkLag = Duration.ofSeconds(5);
    /**
     * After this long without any input, the watermark follows the wall clock (minus the lag) when
     * {@link #followWallClockWhenIdle} is set, so that due commands go out on time at 3 a.m.
     */
    public Duration idleTimeout = Duration.ofSeconds(30);
    /** Live mode only: replays are pure event time and leave this off. */
    public boolean followWallClockWhenIdle = false;
  }

  /** Kafka topics and client properties for live mode. */
  public static class Kafka implements Serializable {
    private static final long serialVersionUID = 1L;
    public String bootstrapServers = "127.0.0.1:9092";
    public String groupId = "cart-journeys";
    public String transactionalIdPrefix = "cart-journeys";
    public String eventsTopic = "cj.events";
    public String profilesTopic = "cj.profiles";
    public String linksTopic = "cj.links";
    public String feedbackTopic = "cj.feedback";
    public String pushTopic = "cj.commands.push";
    public String emailTopic = "cj.commands.email";
    public String decisionsTopic = "cj.decisions";
    public String conversionsTopic = "cj.conversions";
    public String deadLettersTopic = "cj.dead-letters";
    /** Passed to every Kafka client unchanged: security.protocol, sasl.*, ssl.* and so on. */
    public Map<String, String> properties = new LinkedHashMap<>();
    /** earliest or latest, for a group without committed offsets. */
    public String startingOffsets = "earliest";
  }

  /** Flink runtime settings. */
  public static class Runtime implements Serializable {
    private static final long serialVersionUID = 1L;
    public int parallelism = 1;
    public Duration checkpointInterval = Duration.ofSeconds(10);
    /** hashmap or rocksdb. */
    public String stateBackend = "hashmap";
    public String checkpointDirectory = null;
  }

  public static ObjectMapper yamlMapper() {
    SimpleModule m = new SimpleModule();
    m.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return Durations.parse(p.getValueAsString());
          }
        });
    m.addDeserializer(
        LocalTime.class,
        new JsonDeserializer<>() {
          @Override
          public LocalTime deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return LocalTime.parse(p.getValueAsString());
          }
        });
    m.addDeserializer(
        ZoneId.class,
        new JsonDeserializer<>() {
          @Override
          public ZoneId deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return ZoneId.of(p.getValueAsString());
          }
        });
    return new ObjectMapper(new YAMLFactory())
        .registerModule(m)
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Defaults overridden by the file, if one is given. */
  public static JobConfig load(Path file) throws IOException {
    JobConfig config = new JobConfig();
    if (file != null) {
      String yaml = Files.readString(file);
      if (!yaml.isBlank()) {
        yamlMapper().readerForUpdating(config).readValue(yaml);
      }
    }
    config.validate();
    return config;
  }

  /** Rejects settings that cannot work, naming the key. */
  public void validate() {
    require(!journey.inactivity.isNegative() && !journey.inactivity.isZero(), "journey.inactivity must be positive");
    require(!journey.recencyLimit.isNegative(), "journey.recency-limit must not be negative");
    require(!journey.firstTouchDelay.isNegative(), "journey.first-touch-delay must not be negative");
    require(!journey.followUpDelay.isNegative(), "journey.follow-up-delay must not be negative");
    require(journey.holdoutPercent >= 0 && journey.holdoutPercent <= 100, "journey.holdout-percent must be within 0..100");
    require(journey.recentlyViewedLimit >= 0, "journey.recently-viewed-limit must not be negative");
    require(identity.anonymousBufferLimit > 0, "identity.anonymous-buffer-limit must be positive");
    require(identity.maxEmailsPerPerson > 0, "identity.max-emails-per-person must be positive");
    require(identity.maxPhonesPerPerson > 0, "identity.max-phones-per-person must be positive");
    require(identity.maxDevicesPerPerson > 0, "identity.max-devices-per-person must be positive");
    require(identity.maxCookiesPerPerson > 0, "identity.max-cookies-per-person must be positive");
    require(!time.watermarkLag.isNegative(), "time.watermark-lag must not be negative");
    require(
        kafka.startingOffsets.equals("earliest") || kafka.startingOffsets.equals("latest"),
        "kafka.starting-offsets must be earliest or latest");
    require(runtime.parallelism > 0, "runtime.parallelism must be positive");
    require(
        runtime.stateBackend.equals("hashmap") || runtime.stateBackend.equals("rocksdb"),
        "runtime.state-backend must be hashmap or rocksdb");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
