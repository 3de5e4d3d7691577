package io.cartjourneys.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter with its HTTP endpoint bound to 127.0.0.1. Flink 2.2's {@code
 * PrometheusReporter} binds every interface and has no host setting, and tests here may only listen
 * on loopback; this class reuses everything else of the reporter (metric names, labels, type
 * mapping) by extending the same base class and serving its registry.
 */
public class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
  private HTTPServer server;

  @Override
  public void open(MetricConfig config) {
    super.open(config);
    int port = Integer.parseInt(config.getString("port", "9249"));
    try {
      server = new HTTPServer(new InetSocketAddress("127.0.0.1", port), registry(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve Prometheus metrics on 127.0.0.1:" + port, e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    super.close();
  }

  /** Returns the base class's collector registry, which is package-private in Flink 2.2. */
  private CollectorRegistry registry() {
    try {
      Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
      f.setAccessible(true);
      return (CollectorRegistry) f.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "AbstractPrometheusReporter has no field 'registry' any more; check the Flink version",
          e);
    }
  }

  /** Creates the reporter; registered in META-INF/services so that Flink can find it. */
  public static class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new LoopbackPrometheusReporter();
    }
  }
}
