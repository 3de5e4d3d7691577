package io.cartjourneys.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link RawRecord}. A copy keeps {@link RawRecord#decoded}, so that the
 * decoding done for the record's time before ingest is not repeated when the stages run chained in
 * one task; the bytes written between tasks leave it out, and ingest then decodes again.
 *
 * <p>Raw records only travel between tasks and are never kept in keyed state, so a change of this
 * format needs no migration.
 */
public final class RawRecordSerializer extends TypeSerializerSingleton<RawRecord> {
  private static final long serialVersionUID = 1L;

  public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();

  private static final SourceKind[] KINDS = SourceKind.values();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public RawRecord createInstance() {
    return new RawRecord();
  }

  @Override
  public RawRecord copy(RawRecord from) {
    RawRecord r = new RawRecord(from.source, from.payload == null ? null : from.payload.clone(),
        from.sequence);
    r.time = from.time;
    r.rejection = from.rejection;
    r.decoded = from.decoded;
    return r;
  }

  @Override
  public RawRecord copy(RawRecord from, RawRecord reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(RawRecord r, DataOutputView out) throws IOException {
    out.writeByte(r.source == null ? -1 : r.source.ordinal());
    out.writeLong(r.sequence);
    out.writeLong(r.time);
    out.writeBoolean(r.rejection != null);
    if (r.rejection != null) {
      out.writeUTF(r.rejection);
    }
    if (r.payload == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(r.payload.length);
      out.write(r.payload);
    }
  }

  @Override
  public RawRecord deserialize(DataInputView in) throws IOException {
    RawRecord r = new RawRecord();
    int source = in.readByte();
    r.source = source < 0 ? null : KINDS[source];
    r.sequence = in.readLong();
    r.time = in.readLong();
    if (in.readBoolean()) {
      r.rejection = in.readUTF();
    }
    int length = in.readInt();
    if (length >= 0) {
      r.payload = new byte[length];
      in.readFully(r.payload);
    }
    return r;
  }

  @Override
  public RawRecord deserialize(RawRecord reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Format version 1 of {@link RawRecordSerializer}. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  /** Type information that makes Flink use {@link RawRecordSerializer}. */
  public static final class TypeInfo extends SerializerTypeInfo<RawRecord> {
    private static final long serialVersionUID = 1L;

    public TypeInfo() {
      super(RawRecord.class, INSTANCE);
    }
  }

  /** Named by the {@code @TypeInfo} annotation on {@link RawRecord}. */
  public static final class Factory extends TypeInfoFactory<RawRecord> {
    @Override
    public TypeInformation<RawRecord> createTypeInfo(
        Type type, Map<String, TypeInformation<?>> genericParameters) {
      return new TypeInfo();
    }
  }
}
