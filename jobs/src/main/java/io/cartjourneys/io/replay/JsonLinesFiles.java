package io.cartjourneys.io.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens text inputs, plain or gzip (recognised by its magic bytes). */
public final class JsonLinesFiles {
  private JsonLinesFiles() {}

  public static BufferedReader open(Path file) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /** Lines that carry a record: everything but blank lines. */
  public static long countRecords(Path file) throws IOException {
    long n = 0;
    try (BufferedReader r = open(file)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          n++;
        }
      }
    }
    return n;
  }
}
