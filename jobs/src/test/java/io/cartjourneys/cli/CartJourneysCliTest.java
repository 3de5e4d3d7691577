package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.junit.jupiter.api.Test;

class CartJourneysCliTest {
  @Test
  void applicationClassLoaderIsNotFlink() {
    assertThat(CartJourneysCli.runsInsideFlink(ClassLoader.getSystemClassLoader())).isFalse();
  }

  @Test
  void userCodeClassLoaderIsFlink() throws Exception {
    URL jar = CartJourneysCli.class.getProtectionDomain().getCodeSource().getLocation();
    try (var loader =
        FlinkUserCodeClassLoaders.childFirst(
            new URL[] {jar},
            ClassLoader.getSystemClassLoader(),
            new String[] {"org.apache.flink."},
            error -> {},
            false)) {
      Class<?> loaded = Class.forName(CartJourneysCli.class.getName(), false, loader);
      assertThat(loaded.getClassLoader()).isNotSameAs(CartJourneysCli.class.getClassLoader());
      assertThat(CartJourneysCli.runsInsideFlink(loaded.getClassLoader())).isTrue();
    }
  }
}
