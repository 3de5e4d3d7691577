package io.cartjourneys.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.CartItem;
import org.junit.jupiter.api.Test;

class PersonStateTest {

  private static CartItem item(String sku, int qty) {
    CartItem i = new CartItem();
    i.sku = sku;
    i.quantity = qty;
    i.price = 10.0;
    return i;
  }

  @Test
  void cartSumsChangesInTimeOrderWhateverTheArrivalOrder() {
    PersonState p = new PersonState();
    p.changes.add(new PersonState.CartChange(300, "REMOVE_FROM_CART", item("A", 1)));
    p.changes.add(new PersonState.CartChange(100, "ADD_TO_CART", item("A", 2)));
    p.changes.add(new PersonState.CartChange(200, "ADD_TO_CART", item("B", 1)));
    assertThat(p.cart()).extracting(i -> i.sku + "x" + i.quantity).containsExactly("Ax1", "Bx1");
    assertThat(p.lastChangeAt()).isEqualTo(300);
    assertThat(p.episodeStartedAt()).isEqualTo(100);
  }

  @Test
  void aPurchaseEmptiesEverythingBeforeIt() {
    PersonState p = new PersonState();
    p.changes.add(new PersonState.CartChange(100, "ADD_TO_CART", item("A", 1)));
    p.changes.add(new PersonState.CartChange(300, "ADD_TO_CART", item("B", 1)));
    p.lastPurchaseAt = 200;
    assertThat(p.cart()).extracting(i -> i.sku).containsExactly("B");
    assertThat(p.episodeStartedAt()).isEqualTo(300);
  }

  @Test
  void removingMoreThanWasAddedLeavesNoLine() {
    PersonState p = new PersonState();
    p.changes.add(new PersonState.CartChange(100, "ADD_TO_CART", item("A", 1)));
    p.changes.add(new PersonState.CartChange(200, "REMOVE_FROM_CART", item("A", 3)));
    assertThat(p.cart()).isEmpty();
  }
}
