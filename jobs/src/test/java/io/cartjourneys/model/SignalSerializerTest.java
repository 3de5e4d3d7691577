package io.cartjourneys.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.EnumTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SignalSerializerTest {
  private final SignalSerializer serializer = SignalSerializer.INSTANCE;

  @Test
  void typeInformationUsesSignalSerializer() {
    TypeInformation<Signal> info = TypeInformation.of(Signal.class);

    assertThat(info.createSerializer(new SerializerConfigImpl())).isSameAs(serializer);
  }

  /** A field added to Signal must be set in {@link #filled()}, or the round trip proves nothing. */
  @Test
  void filledSignalSetsEveryField() throws Exception {
    Signal filled = filled();
    Signal defaults = new Signal();
    for (Field f : Signal.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        assertThat(f.get(filled)).as(f.getName()).isNotEqualTo(f.get(defaults));
      }
    }
  }

  @Test
  void everyFieldRoundTrips() throws Exception {
    Signal s = filled();

    Signal back = roundTrip(serializer, s);

    assertFieldsEqual(s, back);
  }

  @Test
  void nullsAndEmptyListsRoundTrip() throws Exception {
    Signal s = new Signal();
    s.emails = null;
    s.items = new ArrayList<>(Arrays.asList(null, new CartItem()));

    Signal back = roundTrip(serializer, s);

    assertFieldsEqual(s, back);
    assertThat(back.kind).isNull();
    assertThat(back.emails).isNull();
    assertThat(back.phones).isEmpty();
  }

  @Test
  void nonAsciiStringsRoundTrip() throws Exception {
    Signal s = new Signal();
    s.firstName = "Ananyā 😀 Ωmega";

    assertThat(roundTrip(serializer, s).firstName).isEqualTo(s.firstName);
  }

  @Test
  void copyIsDeep() {
    Signal s = filled();

    Signal copy = serializer.copy(s);

    assertFieldsEqual(s, copy);
    assertThat(copy.items).isNotSameAs(s.items);
    assertThat(copy.items.get(0)).isNotSameAs(s.items.get(0));
    assertThat(copy.emails).isNotSameAs(s.emails);
  }

  @Test
  void copyBetweenViewsKeepsTheRecord() throws Exception {
    Signal s = filled();
    DataOutputSerializer first = new DataOutputSerializer(256);
    serializer.serialize(s, first);
    DataOutputSerializer second = new DataOutputSerializer(256);

    serializer.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);

    assertThat(second.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
  }

  @Test
  void snapshotRestoresTheSameSerializer() throws Exception {
    TypeSerializerSnapshot<Signal> snapshot = serializer.snapshotConfiguration();

    TypeSerializerSnapshot<Signal> restored = writeAndRead(snapshot);

    assertThat(restored.restoreSerializer()).isSameAs(serializer);
    assertThat(snapshot.resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
  }

  /** State written by the POJO serializer of earlier versions is migrated, not rejected. */
  @Test
  void pojoStateMigrates() throws Exception {
    TypeSerializer<Signal> pojo = pojoSerializer();
    Signal s = filled();
    DataOutputSerializer out = new DataOutputSerializer(512);
    pojo.serialize(s, out);
    TypeSerializerSnapshot<Signal> oldSnapshot = writeAndRead(pojo.snapshotConfiguration());

    TypeSerializerSchemaCompatibility<Signal> compatibility =
        serializer.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
    Signal migrated =
        roundTrip(
            serializer,
            oldSnapshot
                .restoreSerializer()
                .deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));

    assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
    assertFieldsEqual(s, migrated);
  }

  /** A Signal with every field set to a value other than its default. */
  private static Signal filled() {
    Signal s = new Signal();
    s.kind = Signal.Kind.CANDIDATE;
    s.time = 1_700_000_000_000L;
    s.sequence = 42;
    s.lastChangeAt = 1_700_000_000_001L;
    s.resolvedAt = 1_700_000_000_002L;
    s.arrivalWatermark = 1_700_000_000_003L;
    s.authenticated = true;
    s.deleted = true;
    s.unlisted = true;
    for (Field f : Signal.class.getFields()) {
      if (f.getType() == String.class && !Modifier.isStatic(f.getModifiers())) {
        try {
          f.set(s, "v-" + f.getName());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    s.emails = new ArrayList<>(List.of("a@example.com", "b@example.com"));
    s.phones = new ArrayList<>(List.of("+4915112345678"));
    CartItem item = new CartItem();
    item.sku = "SHOE-123";
    item.name = "Shoe";
    item.price = 59.5;
    item.currency = "EUR";
    item.quantity = 2;
    item.imageUrl = "https://shop.example/shoe.png";
    item.productUrl = "https://shop.example/shoe";
    CartItem noPrice = item.copy();
    noPrice.price = null;
    s.items = new ArrayList<>(List.of(item, noPrice));
    return s;
  }

  /** Compares every public field, so that a field the serializer forgets fails here. */
  private static void assertFieldsEqual(Signal expected, Signal actual) {
    for (Field f : Signal.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      try {
        assertThat(f.get(actual)).as(f.getName()).isEqualTo(f.get(expected));
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Signal roundTrip(TypeSerializer<Signal> serializer, Signal s) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(s, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    Signal back = serializer.deserialize(in);
    assertThat(in.available()).as("bytes left after the record").isZero();
    return back;
  }

  private static <T> TypeSerializerSnapshot<T> writeAndRead(TypeSerializerSnapshot<T> snapshot)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    return TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()),
        SignalSerializerTest.class.getClassLoader());
  }

  /** The serializer that Flink derived for Signal as a POJO before it had its own. */
  @SuppressWarnings("unchecked")
  private static TypeSerializer<Signal> pojoSerializer() {
    List<PojoField> fields = new ArrayList<>();
    for (Field f : Signal.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      fields.add(new PojoField(f, fieldType(f)));
    }
    return new PojoTypeInfo<>(Signal.class, fields).createSerializer(new SerializerConfigImpl());
  }

  private static TypeInformation<?> fieldType(Field f) {
    Class<?> type = f.getType();
    if (type == List.class) {
      Class<?> element =
          (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
      return new ListTypeInfo<>(TypeInformation.of(element));
    }
    if (type.isEnum()) {
      return enumType(type);
    }
    if (type == long.class) {
      return Types.LONG;
    }
    if (type == boolean.class) {
      return Types.BOOLEAN;
    }
    return TypeInformation.of(type);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static TypeInformation<?> enumType(Class<?> type) {
    return new EnumTypeInfo(type);
  }
}
