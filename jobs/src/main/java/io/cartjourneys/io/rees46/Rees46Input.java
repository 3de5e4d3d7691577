package io.cartjourneys.io.rees46;

import io.cartjourneys.io.replay.RecordIterable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;

/** A REES46 CSV file as replay input: the records of a {@link Rees46Reader}, in file order. */
public final class Rees46Input implements RecordIterable {
  private static final long serialVersionUID = 1L;

  /** Path and zone as strings, because neither {@link Path} nor every ZoneId serializes. */
  private final String file;

  private final String profileTimeZone;

  /** The record count from an earlier full pass, or -1 to count on request. */
  private final long knownCount;

  /**
   * @param knownCount {@link Rees46Stats#recordsEmitted()} from an earlier pass over the same file,
   *     or -1 to read the file again in {@link #count()}
   */
  public Rees46Input(Path file, ZoneId profileTimeZone, long knownCount) {
    this.file = file.toString();
    this.profileTimeZone = profileTimeZone.getId();
    this.knownCount = knownCount;
  }

  @Override
  public long count() throws IOException {
    if (knownCount >= 0) {
      return knownCount;
    }
    try (Rees46Reader reader = open()) {
      return reader.drain(bytesRead -> {}).recordsEmitted();
    }
  }

  @Override
  public Rees46Reader open() throws IOException {
    return Rees46Reader.open(Path.of(file), ZoneId.of(profileTimeZone));
  }
}
