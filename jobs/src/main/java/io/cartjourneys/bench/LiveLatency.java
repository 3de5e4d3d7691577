package io.cartjourneys.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.cli.JobEnvironment;
import io.cartjourneys.cli.RunCommand;
import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.kafka.KafkaIo;
import io.cartjourneys.io.kafka.LocalKafka;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, in live mode, how long after its due time ({@code deliver_after}) a command arrives on
 * its Kafka topic. A Kafka broker and the job (reading its input topics without end, writing with
 * exactly-once transactions) run in this JVM. A producer writes behaviour events stamped with the
 * wall clock at a steady rate, some of them cart additions of known, consenting persons; each cart
 * becomes an email command due one inactivity period later. A consumer with {@code
 * read_uncommitted} isolation sees each command as soon as the job's producer sends it, before the
 * transaction commits at the next checkpoint, and records receive time minus due time.
 *
 * <p>A command can only fire once the watermark passes its due time, and the watermark trails the
 * newest event time by {@code time.watermark-lag}, so that lag is a floor of every latency here.
 * Commands due during the warm-up are left out: until the idle input topics have been idle for
 * {@code time.idle-timeout}, their watermark holds the job's back.
 */
public final class LiveLatency {
  private static final Logger LOG = LoggerFactory.getLogger(LiveLatency.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);
  private static final int PARTITIONS = 2;

  /** One cart addition in this many events; the others are product views of other persons. */
  private static final int CART_EVERY = 10;

  /**
   * Settings of one measurement.
   *
   * @param label name of the variant in the report
   * @param config job settings; run() replaces the Kafka settings and the inactivity
   * @param flinkOptions Flink configuration of the local cluster
   * @param eventsPerSecond input rate, far below the job's maximum so that nothing queues
   * @param warmUp input time before the first command that counts
   * @param measured input time whose commands count
   */
  public record Variant(
      String label,
      JobConfig config,
      Map<String, String> flinkOptions,
      int eventsPerSecond,
      Duration warmUp,
      Duration measured) {}

  /** Latencies of one variant in milliseconds, -1 when no command was measured. */
  public record Result(
      Variant variant,
      long commands,
      double p50,
      double p90,
      double p99,
      double max,
      long eventsSent,
      double loadAverageBefore,
      double loadAverageAfter) {}

  private LiveLatency() {}

  /** Runs one variant on a new broker and cluster; ends the job and the broker afterwards. */
  public static Result run(Variant v) throws Exception {
    JobConfig config = v.config();
    config.journey.inactivity = Duration.ofSeconds(10);
    config.kafka.groupId = "cart-journeys-latency";
    config.kafka.transactionalIdPrefix = "cart-journeys-latency";
    config.kafka.startingOffsets = "earliest";
    config.validate();
    double loadBefore = LoadAverage.oneMinute();
    try (LocalKafka kafka = LocalKafka.start()) {
      config.kafka.bootstrapServers = kafka.bootstrapServers();
      kafka.createTopics(topics(config.kafka));
      long start = System.currentTimeMillis();
      long measureFrom = start + v.warmUp().toMillis();
      long inputEnd = measureFrom + v.measured().toMillis();
      int persons = (int) ((inputEnd - start) / 1000 * v.eventsPerSecond() / CART_EVERY) + 1;
      writeProfiles(config.kafka, persons, start);

      Histogram latencies = new SynchronizedHistogram(MAX_LATENCY_MICROS, 3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> consumerError = new AtomicReference<>();
      Thread consumer =
          new Thread(
              () -> consume(config.kafka, measureFrom, inputEnd, latencies, stop, consumerError),
              "latency-consumer");
      consumer.start();

      JobClient job = startJob(config, v.flinkOptions());
      long sent;
      try {
        // The events go on after the measured window, so that the watermark passes the due time
        // of its last carts: inactivity plus lag plus a margin.
        long feedUntil =
            inputEnd
                + config.journey.inactivity.toMillis()
                + config.time.watermarkLag.toMillis()
                + 5_000;
        sent = writeEvents(config.kafka, v.eventsPerSecond(), persons, inputEnd, feedUntil);
        Thread.sleep(1_000);
      } finally {
        stop.set(true);
        consumer.join(TimeUnit.SECONDS.toMillis(30));
        cancel(job);
      }
      if (consumerError.get() != null) {
        throw new IOException("the latency consumer failed", consumerError.get());
      }
      double loadAfter = LoadAverage.oneMinute();
      long n = latencies.getTotalCount();
      LOG.info("Live latency {}: {} commands measured, {} events sent", v.label(), n, sent);
      return new Result(
          v,
          n,
          n > 0 ? latencies.getValueAtPercentile(50) / 1000.0 : -1,
          n > 0 ? latencies.getValueAtPercentile(90) / 1000.0 : -1,
          n > 0 ? latencies.getValueAtPercentile(99) / 1000.0 : -1,
          n > 0 ? latencies.getMaxValue() / 1000.0 : -1,
          sent,
          loadBefore,
          loadAfter);
    }
  }

  private static Map<String, Integer> topics(JobConfig.Kafka kafka) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (SourceKind kind : SourceKind.values()) {
      topics.put(KafkaIo.inputTopic(kafka, kind), PARTITIONS);
    }
    for (String output :
        List.of(
            kafka.pushTopic,
            kafka.emailTopic,
            kafka.decisionsTopic,
            kafka.conversionsTopic,
            kafka.deadLettersTopic)) {
      topics.put(output, PARTITIONS);
    }
    return topics;
  }

  /**
   * One profile per person, dated a day back, with email consent and a zone where it is midday now,
   * so that quiet hours never defer a command of this run.
   */
  private static void writeProfiles(JobConfig.Kafka kafka, int persons, long now)
      throws Exception {
    int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
    int offset = 12 - utcHour; // -11 .. +12, which Etc/GMT zones cover
    // Etc/GMT zones carry the inverted sign: Etc/GMT-5 is five hours ahead of UTC.
    String zone = offset == 0 ? "Etc/GMT" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
    String updatedAt = Instant.ofEpochMilli(now - TimeUnit.DAYS.toMillis(1)).toString();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (int i = 0; i < persons; i++) {
        ObjectNode p = JSON.createObjectNode();
        p.put("customer_id", customer(i));
        p.putArray("emails").add(customer(i) + "@example.invalid");
        p.put("first_name", "P" + i);
        p.put("locale", "en-GB");
        p.put("time_zone", zone);
        ObjectNode consent = p.putObject("consent");
        consent.put("email", "OPTED_IN");
        consent.put("push", "OPTED_IN");
        p.put("updated_at", updatedAt);
        producer.send(record(kafka.profilesTopic, customer(i), p));
      }
      producer.flush();
    }
  }

  /**
   * Writes events stamped with the wall clock at a steady rate until {@code feedUntil}: one cart
   * addition of a new person in every {@link #CART_EVERY} events before {@code cartsUntil}, product
   * views otherwise. Returns the number of events sent.
   */
  private static long writeEvents(
      JobConfig.Kafka kafka, int perSecond, int persons, long cartsUntil, long feedUntil)
      throws Exception {
    long intervalNanos = 1_000_000_000L / perSecond;
    long next = System.nanoTime();
    long sent = 0;
    int carts = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      while (System.currentTimeMillis() < feedUntil) {
        long now = System.currentTimeMillis();
        ObjectNode e = JSON.createObjectNode();
        int person;
        String type;
        if (sent % CART_EVERY == 0 && now < cartsUntil && carts < persons) {
          person = carts++;
          type = "ADD_TO_CART";
        } else {
          person = (int) (sent % persons);
          type = "PRODUCT_VIEW";
        }
        e.put("event_id", "lat-" + sent);
        e.put("event_type", type);
        e.put("occurred_at", Instant.ofEpochMilli(now).toString());
        e.put("channel", "WEB");
        e.put("anonymous_id", "c-" + customer(person));
        e.put("customer_id", customer(person));
        e.put("authenticated", true);
        ObjectNode item = e.putArray("items").addObject();
        item.put("sku", "SKU-" + (sent % 50));
        item.put("name", "Product " + (sent % 50));
        item.put("price", 19.99);
        item.put("currency", "EUR");
        item.put("quantity", 1);
        producer.send(record(kafka.eventsTopic, customer(person), e));
        sent++;
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      producer.flush();
    }
    return sent;
  }

  private static void consume(
      JobConfig.Kafka kafka,
      long dueFrom,
      long dueUntil,
      Histogram latencies,
      AtomicBoolean stop,
      AtomicReference<Throwable> error) {
    Properties props = new Properties();
    props.putAll(kafka.properties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "cart-journeys-latency-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Return a fetch as soon as one byte is there, so that the consumer adds little latency.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(kafka.pushTopic, kafka.emailTopic));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long received = System.currentTimeMillis();
          EngagementCommand c = EngagementCommand.getDecoder().decode(r.value());
          long due = c.getDeliverAfter().toEpochMilli();
          if (due >= dueFrom && due < dueUntil) {
            long micros = Math.max(0, (received - due) * 1000);
            latencies.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
          }
        }
      }
    } catch (Exception e) {
      error.set(e);
    }
  }

  private static JobClient startJob(JobConfig config, Map<String, String> flinkOptions)
      throws Exception {
    Configuration conf = JobEnvironment.loopbackOnly(new Configuration());
    conf.addAll(Configuration.fromMap(flinkOptions));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(config.runtime.parallelism, conf);
    RunCommand.build(env, config, Boundedness.CONTINUOUS_UNBOUNDED);
    JobClient job = env.executeAsync("cart-journeys live latency");
    LOG.info("Started live latency job {}", job.getJobID());
    return job;
  }

  private static void cancel(JobClient job) {
    try {
      job.cancel().get(60, TimeUnit.SECONDS);
      job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Cancelling live latency job {} failed", job.getJobID(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(JobConfig.Kafka kafka) {
    Properties props = new Properties();
    props.putAll(kafka.properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // One request at a time and long timeouts: on a loaded machine the broker in this JVM answers
    // slowly, and retried batches of several requests in flight failed with
    // OutOfOrderSequenceException.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(props);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, ObjectNode value)
      throws IOException {
    return new ProducerRecord<>(
        topic, key.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(value));
  }

  private static String customer(int i) {
    return "k-lat-" + i;
  }

  /** Writes the live latency section of {@code results.md}, or nothing without results. */
  public static List<String> markdown(List<Result> results) {
    if (results.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    lines.add("## Due-to-topic latency in live mode (Kafka)");
    lines.add("");
    lines.add("A Kafka broker on 127.0.0.1 and the job in live mode (unbounded Kafka sources,"
        + " exactly-once Kafka sinks) in this JVM. Events stamped with the wall clock arrive at a"
        + " steady rate; every tenth is a cart addition of a known person with email consent,"
        + " whose email command is due 10 s later (journey.inactivity=10s). A read_uncommitted"
        + " consumer records when each command arrives minus its deliver_after. The watermark"
        + " lag is a floor of every latency: the watermark must pass the due time first.");
    lines.add("");
    lines.add("| variant | parallelism | watermark lag | events/s | commands | p50 ms | p90 ms"
        + " | p99 ms | max ms | load avg |");
    lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Result r : results) {
      lines.add(String.format(Locale.ROOT,
          "| %s | %d | %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %.1f-%.1f |",
          r.variant().label(), r.variant().config().runtime.parallelism,
          Durations.format(r.variant().config().time.watermarkLag),
          r.variant().eventsPerSecond(), r.commands(), r.p50(), r.p90(), r.p99(), r.max(),
          r.loadAverageBefore(), r.loadAverageAfter()));
    }
    lines.add("");
    return lines;
  }
}
