package io.cartjourneys.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding over one byte array that checks every length and item count against the
 * bytes left before it allocates anything. Avro's own binary decoder (1.11.4) allocates a string,
 * byte or array buffer as large as the length prefix claims, so a few crafted bytes can claim 2 GB
 * and end the JVM with OutOfMemoryError; here such a record fails with an IOException.
 *
 * <p>The item count check assumes every array or map item takes at least one byte, which holds for
 * every input schema of this job (items are records starting with a string, or strings).
 */
final class BoundedBinaryDecoder extends Decoder {
  private final byte[] buf;
  private final int limit;
  private int pos;

  BoundedBinaryDecoder(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
    this.limit = buf.length;
  }

  /** True when every byte of the input was read. */
  boolean isEnd() {
    return pos == limit;
  }

  private int remaining() {
    return limit - pos;
  }

  private byte next() throws IOException {
    if (pos >= limit) {
      throw new EOFException("record ends early");
    }
    return buf[pos++];
  }

  private void require(long length) throws IOException {
    if (length < 0 || length > remaining()) {
      throw new EOFException("length " + length + " exceeds the " + remaining() + " bytes left");
    }
  }

  private long varLong() throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = next();
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IOException("invalid long encoding");
  }

  private int length() throws IOException {
    long length = varLong();
    require(length);
    return (int) length;
  }

  /** The item count of the next array or map block, with a negative count's block size read. */
  private long blockCount() throws IOException {
    long count = varLong();
    if (count < 0) {
      count = -count;
      varLong(); // the block's size in bytes, which this reader does not need
    }
    require(count);
    return count;
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    byte b = next();
    if (b != 0 && b != 1) {
      throw new IOException("invalid boolean byte " + b);
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    long v = varLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IOException("int out of range");
    }
    return (int) v;
  }

  @Override
  public long readLong() throws IOException {
    return varLong();
  }

  @Override
  public float readFloat() throws IOException {
    require(4);
    int bits = 0;
    for (int i = 0; i < 4; i++) {
      bits |= (buf[pos++] & 0xff) << (8 * i);
    }
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits |= (long) (buf[pos++] & 0xff) << (8 * i);
    }
    return Double.longBitsToDouble(bits);
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = length();
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    System.arraycopy(buf, pos, result.getBytes(), 0, length);
    pos += length;
    return result;
  }

  @Override
  public String readString() throws IOException {
    int length = length();
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    pos += length();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = length();
    ByteBuffer result = ByteBuffer.wrap(Arrays.copyOfRange(buf, pos, pos + length));
    pos += length;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    pos += length();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    require(length);
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length);
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  @Override
  public long readArrayStart() throws IOException {
    return blockCount();
  }

  @Override
  public long arrayNext() throws IOException {
    return blockCount();
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks();
  }

  @Override
  public long readMapStart() throws IOException {
    return blockCount();
  }

  @Override
  public long mapNext() throws IOException {
    return blockCount();
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks();
  }

  /** Skips blocks that state their size; returns the item count of the first that does not. */
  private long skipBlocks() throws IOException {
    while (true) {
      long count = varLong();
      if (count >= 0) {
        require(count);
        return count;
      }
      long size = varLong();
      require(size);
      pos += (int) size;
    }
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }
}
