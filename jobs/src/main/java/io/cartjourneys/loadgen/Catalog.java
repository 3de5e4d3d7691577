package io.cartjourneys.loadgen;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic product catalogue: fixed-size categories of products with a name, a base price in
 * US dollars and the item JSON each event carries. Built from the seed, so the same seed gives the
 * same products.
 */
final class Catalog {
  static final int CATEGORIES = 24;
  static final int PER_CATEGORY = 100;

  private static final String[] ADJECTIVES = {
    "Classic", "Trail", "Urban", "Lite", "Pro", "Everyday", "Studio", "Nordic", "Coastal", "Summit",
    "Retro", "Compact"
  };
  private static final String[] NOUNS = {
    "Runner", "Jacket", "Backpack", "Kettle", "Lamp", "Headphones", "Watch", "Blender", "Sneaker",
    "Duffel", "Mug", "Chair", "Desk", "Tent", "Bottle", "Scarf", "Speaker", "Camera", "Notebook",
    "Pillow", "Toaster", "Umbrella", "Helmet", "Glove"
  };

  private final String[] skus = new String[CATEGORIES * PER_CATEGORY];
  private final String[] names = new String[skus.length];
  private final double[] usdPrices = new double[skus.length];

  Catalog(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < skus.length; i++) {
      int category = i / PER_CATEGORY;
      skus[i] = String.format(Locale.ROOT, "SKU-%02d-%03d", category, i % PER_CATEGORY);
      names[i] = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + " " + NOUNS[category % NOUNS.length]
          + " " + (1 + rnd.nextInt(9));
      // Prices between 5 and about 400 dollars, skewed to the cheap end like most shops.
      usdPrices[i] = Math.round(5 + Math.pow(rnd.nextDouble(), 2.5) * 395) - 0.01;
    }
  }

  int size() {
    return skus.length;
  }

  /** Picks a product of the category, favouring its first products (the bestsellers). */
  int pick(SplittableRandom rnd, int category) {
    int rank = (int) (Math.pow(rnd.nextDouble(), 2) * PER_CATEGORY);
    return category * PER_CATEGORY + rank;
  }

  String sku(int product) {
    return skus[product];
  }

  /** Returns the JSON of one item line, priced in the shopper's currency. */
  String itemJson(int product, int quantity, Currency currency) {
    double price = Math.round(usdPrices[product] * currency.perUsd * 100) / 100.0;
    String sku = skus[product];
    String slug = sku.toLowerCase(Locale.ROOT);
    return new JsonLine()
        .field("sku", sku)
        .field("name", names[product])
        .field("price", price)
        .field("currency", currency.code)
        .field("quantity", quantity)
        .field("image_url", "https://shop.example/img/" + slug + ".jpg")
        .field("product_url", "https://shop.example/p/" + slug)
        .end();
  }

  /** A currency with an approximate, fixed rate: realism of amounts, not of exchange rates. */
  enum Currency {
    USD("USD", 1.0),
    EUR("EUR", 0.92),
    GBP("GBP", 0.79),
    INR("INR", 83.0),
    JPY("JPY", 150.0),
    AUD("AUD", 1.5),
    BRL("BRL", 5.0),
    ZAR("ZAR", 18.5),
    SGD("SGD", 1.35),
    CAD("CAD", 1.36);

    final String code;
    final double perUsd;

    Currency(String code, double perUsd) {
      this.code = code;
      this.perUsd = perUsd;
    }
  }
}
