package io.cartjourneys.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * What the decoder dropped or changed in a record that it could still process. Each entry becomes
 * one audit record, so that no value is discarded silently.
 */
public final class Repairs {
  /**
   * One kind of change to one field.
   *
   * @param reason stable code such as {@code field-too-long} or {@code invalid-price}
   * @param field the input field, such as {@code items.price}
   * @param count how many values of the field it covered
   */
  public record Repair(String reason, String field, int count) {}

  private final List<Repair> entries = new ArrayList<>();

  /** Notes one more value changed for this reason and field. */
  public void add(String reason, String field) {
    add(reason, field, 1);
  }

  /** Notes {@code count} more values changed for this reason and field. */
  public void add(String reason, String field, int count) {
    for (int i = 0; i < entries.size(); i++) {
      Repair r = entries.get(i);
      if (r.reason().equals(reason) && r.field().equals(field)) {
        entries.set(i, new Repair(reason, field, r.count() + count));
        return;
      }
    }
    entries.add(new Repair(reason, field, count));
  }

  public List<Repair> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public void clear() {
    entries.clear();
  }
}
