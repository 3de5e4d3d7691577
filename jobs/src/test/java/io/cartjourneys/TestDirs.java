package io.cartjourneys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Working directories of tests that outlive one test method, such as a replay shared by a class.
 * They go under {@code jobs/target/test-dirs}, so that a clean build removes them and nothing is
 * left in the system's temporary directory.
 */
public final class TestDirs {
  private TestDirs() {}

  /** Creates a new directory whose name starts with {@code prefix}. */
  public static Path create(String prefix) throws IOException {
    Path parent = Files.createDirectories(RepositoryFiles.resolve("jobs/target/test-dirs"));
    return Files.createTempDirectory(parent, prefix);
  }
}
