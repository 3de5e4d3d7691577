package io.cartjourneys.model;

import java.util.Objects;

/** One product line. Quantities on cart events are changes, not snapshots. */
public class CartItem {
  public String sku;
  public String name;
  public Double price;
  public String currency;
  public int quantity = 1;
  public String imageUrl;
  public String productUrl;

  public CartItem() {}

  public CartItem copy() {
    CartItem c = new CartItem();
    c.sku = sku;
    c.name = name;
    c.price = price;
    c.currency = currency;
    c.quantity = quantity;
    c.imageUrl = imageUrl;
    c.productUrl = productUrl;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CartItem c
        && quantity == c.quantity
        && Objects.equals(sku, c.sku)
        && Objects.equals(name, c.name)
        && Objects.equals(price, c.price)
        && Objects.equals(currency, c.currency)
        && Objects.equals(imageUrl, c.imageUrl)
        && Objects.equals(productUrl, c.productUrl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sku, quantity);
  }
}
