package io.cartjourneys.jmh;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.Channel;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.Item;
import io.cartjourneys.ingest.DecodeException;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmarks decoding one ADD_TO_CART event with one item, as JSON and as Avro single-object
 * encoding, and reading only its time, which the replay source does to merge its files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordDecoderBenchmark {
  private byte[] json;
  private byte[] avro;

  @Setup
  public void setUp() throws IOException {
    json =
        ("{\"event_id\":\"e-1514-0-0-3\",\"event_type\":\"ADD_TO_CART\","
                + "\"occurred_at\":\"2026-03-02T21:11:04.231+05:30\",\"channel\":\"WEB\","
                + "\"anonymous_id\":\"c-1514-1\",\"authenticated\":false,"
                + "\"cart_id\":\"cart-c-1514-1-20514\",\"items\":[{\"sku\":\"SKU-10-001\","
                + "\"name\":\"Coastal Mug 7\",\"price\":206.99,\"currency\":\"INR\",\"quantity\":1,"
                + "\"image_url\":\"https://shop.example/img/sku-10-001.jpg\","
                + "\"product_url\":\"https://shop.example/p/sku-10-001\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    BehaviourEvent event =
        BehaviourEvent.newBuilder()
            .setEventId("e-1514-0-0-3")
            .setEventType(EventType.ADD_TO_CART)
            .setOccurredAt(Instant.parse("2026-03-02T15:41:04.231Z"))
            .setChannel(Channel.WEB)
            .setAnonymousId("c-1514-1")
            .setAuthenticated(false)
            .setCartId("cart-c-1514-1-20514")
            .setItems(
                List.of(
                    Item.newBuilder()
                        .setSku("SKU-10-001")
                        .setName("Coastal Mug 7")
                        .setPrice(206.99)
                        .setCurrency("INR")
                        .setQuantity(1)
                        .setImageUrl("https://shop.example/img/sku-10-001.jpg")
                        .setProductUrl("https://shop.example/p/sku-10-001")
                        .build()))
            .build();
    ByteBuffer buffer = event.toByteBuffer();
    avro = new byte[buffer.remaining()];
    buffer.get(avro);
  }

  @Benchmark
  public Signal decodeJson() throws DecodeException {
    return RecordDecoder.decode(SourceKind.EVENTS, json);
  }

  @Benchmark
  public Signal decodeAvro() throws DecodeException {
    return RecordDecoder.decode(SourceKind.EVENTS, avro);
  }

  @Benchmark
  public Long peekTimeJson() {
    return RecordDecoder.peekTime(SourceKind.EVENTS, json);
  }
}
