package io.cartjourneys.loadgen;

/**
 * Derives independent random seeds from a few numbers (the run's seed, a person, a day), so that
 * each part of the data can be generated on its own and still come out the same for a seed.
 */
final class Mix {
  private Mix() {}

  static long of(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h = murmurFinal(h ^ murmurFinal(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** Applies the 64-bit finaliser of MurmurHash3, which spreads every input bit over the output. */
  private static long murmurFinal(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB93FE1A85EC1L;
    return z ^ (z >>> 33);
  }
}
