package io.cartjourneys.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link Signal}, for the network exchanges between stages and for keyed state
 * (held and pending records, CEP's buffer). Each record crosses up to eight exchanges, and Flink's
 * reflective POJO serializer with its per-character string encoding cost more CPU than most
 * stages. This one writes the fields in a fixed order with strings as length-prefixed UTF-8.
 *
 * <p>State written by the POJO serializer (savepoints of earlier versions) is migrated on restore:
 * Flink reads it with the POJO serializer and writes it again with this one.
 *
 * <p>A field added to {@link Signal} or {@link CartItem} must be added here as well, with a new
 * {@link Snapshot} version that still reads the old format. {@code SignalSerializerTest} fails
 * until a new field round-trips.
 */
public final class SignalSerializer extends TypeSerializerSingleton<Signal> {
  private static final long serialVersionUID = 1L;

  public static final SignalSerializer INSTANCE = new SignalSerializer();

  private static final Signal.Kind[] KINDS = Signal.Kind.values();

  // Bits of the flags byte.
  private static final int AUTHENTICATED = 1;
  private static final int DELETED = 2;
  // Added without a new format version: data written before it has the bit clear, which reads as
  // false, the field's default.
  private static final int UNLISTED = 4;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public Signal createInstance() {
    return new Signal();
  }

  @Override
  public Signal copy(Signal from) {
    return from.copy();
  }

  @Override
  public Signal copy(Signal from, Signal reuse) {
    return from.copy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Signal s, DataOutputView out) throws IOException {
    out.writeByte(s.kind == null ? -1 : s.kind.ordinal());
    out.writeByte(
        (s.authenticated ? AUTHENTICATED : 0)
            | (s.deleted ? DELETED : 0)
            | (s.unlisted ? UNLISTED : 0));
    out.writeLong(s.time);
    out.writeLong(s.sequence);
    out.writeLong(s.lastChangeAt);
    out.writeLong(s.resolvedAt);
    out.writeLong(s.arrivalWatermark);
    writeString(s.id, out);
    writeString(s.eventType, out);
    writeString(s.channel, out);
    writeString(s.anonymousId, out);
    writeString(s.deviceId, out);
    writeString(s.customerId, out);
    writeString(s.email, out);
    writeString(s.phone, out);
    writeString(s.pushToken, out);
    writeString(s.cartId, out);
    writeString(s.orderId, out);
    writeString(s.firstName, out);
    writeString(s.locale, out);
    writeString(s.timeZone, out);
    writeString(s.emailConsent, out);
    writeString(s.pushConsent, out);
    writeString(s.linkSource, out);
    writeString(s.commandId, out);
    writeString(s.status, out);
    writeString(s.contactKey, out);
    writeString(s.resolvedCustomer, out);
    writeString(s.resolvedDevice, out);
    writeStrings(s.emails, out);
    writeStrings(s.phones, out);
    if (s.items == null) {
      writeLength(-1, out);
    } else {
      writeLength(s.items.size(), out);
      for (CartItem i : s.items) {
        writeItem(i, out);
      }
    }
  }

  @Override
  public Signal deserialize(DataInputView in) throws IOException {
    Signal s = new Signal();
    int kind = in.readByte();
    s.kind = kind < 0 ? null : KINDS[kind];
    int flags = in.readByte();
    s.authenticated = (flags & AUTHENTICATED) != 0;
    s.deleted = (flags & DELETED) != 0;
    s.unlisted = (flags & UNLISTED) != 0;
    s.time = in.readLong();
    s.sequence = in.readLong();
    s.lastChangeAt = in.readLong();
    s.resolvedAt = in.readLong();
    s.arrivalWatermark = in.readLong();
    s.id = readString(in);
    s.eventType = readString(in);
    s.channel = readString(in);
    s.anonymousId = readString(in);
    s.deviceId = readString(in);
    s.customerId = readString(in);
    s.email = readString(in);
    s.phone = readString(in);
    s.pushToken = readString(in);
    s.cartId = readString(in);
    s.orderId = readString(in);
    s.firstName = readString(in);
    s.locale = readString(in);
    s.timeZone = readString(in);
    s.emailConsent = readString(in);
    s.pushConsent = readString(in);
    s.linkSource = readString(in);
    s.commandId = readString(in);
    s.status = readString(in);
    s.contactKey = readString(in);
    s.resolvedCustomer = readString(in);
    s.resolvedDevice = readString(in);
    s.emails = readStrings(in);
    s.phones = readStrings(in);
    int items = readLength(in);
    if (items < 0) {
      s.items = null;
    } else {
      s.items = new ArrayList<>(items);
      for (int i = 0; i < items; i++) {
        s.items.add(readItem(in));
      }
    }
    return s;
  }

  @Override
  public Signal deserialize(Signal reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<Signal> snapshotConfiguration() {
    return new Snapshot();
  }

  private static void writeItem(CartItem i, DataOutputView out) throws IOException {
    if (i == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(i.price == null ? 1 : 2);
    if (i.price != null) {
      out.writeDouble(i.price);
    }
    out.writeInt(i.quantity);
    writeString(i.sku, out);
    writeString(i.name, out);
    writeString(i.currency, out);
    writeString(i.imageUrl, out);
    writeString(i.productUrl, out);
  }

  private static CartItem readItem(DataInputView in) throws IOException {
    int tag = in.readByte();
    if (tag == 0) {
      return null;
    }
    CartItem i = new CartItem();
    i.price = tag == 2 ? in.readDouble() : null;
    i.quantity = in.readInt();
    i.sku = readString(in);
    i.name = readString(in);
    i.currency = readString(in);
    i.imageUrl = readString(in);
    i.productUrl = readString(in);
    return i;
  }

  private static void writeStrings(List<String> values, DataOutputView out) throws IOException {
    if (values == null) {
      writeLength(-1, out);
      return;
    }
    writeLength(values.size(), out);
    for (String v : values) {
      writeString(v, out);
    }
  }

  private static List<String> readStrings(DataInputView in) throws IOException {
    int n = readLength(in);
    if (n < 0) {
      return null;
    }
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(readString(in));
    }
    return values;
  }

  /** Writes a string as its UTF-8 byte length plus one (zero for null), then the bytes. */
  private static void writeString(String s, DataOutputView out) throws IOException {
    if (s == null) {
      writeLength(-1, out);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeLength(bytes.length, out);
    out.write(bytes);
  }

  private static String readString(DataInputView in) throws IOException {
    int length = readLength(in);
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Writes a length of -1 (null) or more as an unsigned variable-length int of length + 1. */
  private static void writeLength(int length, DataOutputView out) throws IOException {
    int v = length + 1;
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int readLength(DataInputView in) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v - 1;
      }
    }
    throw new IOException("invalid length encoding");
  }

  /** Format version 1 of {@link SignalSerializer}. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Signal> {
    public Snapshot() {
      super(() -> INSTANCE);
    }

    @Override
    public TypeSerializerSchemaCompatibility<Signal> resolveSchemaCompatibility(
        TypeSerializerSnapshot<Signal> oldSnapshot) {
      if (oldSnapshot instanceof PojoSerializerSnapshot) {
        // State from before this serializer existed: Flink reads it with the restored POJO
        // serializer and writes it again with this one.
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return super.resolveSchemaCompatibility(oldSnapshot);
    }
  }

  /** Type information that makes Flink use {@link SignalSerializer} wherever Signal appears. */
  public static final class TypeInfo extends SerializerTypeInfo<Signal> {
    private static final long serialVersionUID = 1L;

    public TypeInfo() {
      super(Signal.class, INSTANCE);
    }
  }

  /** Named by the {@code @TypeInfo} annotation on {@link Signal}. */
  public static final class Factory extends TypeInfoFactory<Signal> {
    @Override
    public TypeInformation<Signal> createTypeInfo(
        Type type, Map<String, TypeInformation<?>> genericParameters) {
      return new TypeInfo();
    }
  }
}
