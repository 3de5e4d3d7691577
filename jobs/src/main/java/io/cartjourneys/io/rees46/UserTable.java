package io.cartjourneys.io.rees46;

/**
 * Per-user flags for millions of users in little memory: an open-addressing hash table from a
 * 64-bit user key to one byte of flags. A slot takes 9 bytes and the load stays between a quarter
 * and a half, so a user costs 18 to 36 bytes.
 */
final class UserTable {
  /** Set on every stored user; a slot whose flags are zero is empty. */
  static final byte SEEN = 1;

  /** The user has had at least one cart change. */
  static final byte HAD_CART = 2;

  /** The user's latest cart change came after their latest purchase. */
  static final byte CART_OPEN = 4;

  /** Upper bound on slots: 2^30 slots take about 9.7 GB and hold up to 2^29 users. */
  private static final int MAX_CAPACITY = 1 << 30;

  private long[] keys;
  private byte[] flags;
  private int size;

  UserTable() {
    keys = new long[1 << 12];
    flags = new byte[1 << 12];
  }

  int size() {
    return size;
  }

  /** Returns the flags of the user, zero when the user is not stored. */
  byte get(long key) {
    int slot = find(keys, flags, key);
    return flags[slot];
  }

  /** Stores the flags of the user; they must include {@link #SEEN}. */
  void put(long key, byte value) {
    int slot = find(keys, flags, key);
    if (flags[slot] == 0) {
      if ((size + 1) * 2L > keys.length) {
        grow();
        slot = find(keys, flags, key);
      }
      keys[slot] = key;
      size++;
    }
    flags[slot] = value;
  }

  private void grow() {
    if (keys.length >= MAX_CAPACITY) {
      throw new IllegalStateException(
          "more than " + MAX_CAPACITY / 2 + " distinct users: split the input file");
    }
    long[] oldKeys = keys;
    byte[] oldFlags = flags;
    keys = new long[oldKeys.length * 2];
    flags = new byte[oldKeys.length * 2];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldFlags[i] != 0) {
        int slot = find(keys, flags, oldKeys[i]);
        keys[slot] = oldKeys[i];
        flags[slot] = oldFlags[i];
      }
    }
  }

  /** Returns the slot holding the key, or the empty slot where it belongs (linear probing). */
  private static int find(long[] keys, byte[] flags, long key) {
    int mask = keys.length - 1;
    int slot = (int) mix(key) & mask;
    while (flags[slot] != 0 && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Mixes the bits with the MurmurHash3 finalizer (fmix64), so that sequential ids spread out. */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe53b5ec3L;
    h ^= h >>> 33;
    return h;
  }
}
