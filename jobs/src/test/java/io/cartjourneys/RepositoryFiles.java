package io.cartjourneys;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository from a test, whatever module directory the test runs in. */
public final class RepositoryFiles {
  private RepositoryFiles() {}

  /** Returns the repository root: the nearest directory upwards with the Maven wrapper. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("mvnw")) && Files.isDirectory(d.resolve("jobs"))) {
        return d;
      }
    }
    throw new IllegalStateException("no repository root (a directory with mvnw) above " + dir);
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
