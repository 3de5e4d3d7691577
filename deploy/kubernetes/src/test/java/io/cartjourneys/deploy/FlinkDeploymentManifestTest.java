package io.cartjourneys.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.KubernetesDeploymentMode;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the manifests in deploy/kubernetes with the Flink Kubernetes Operator's model classes and
 * the Kubernetes model, and checks the fields that decide whether the job starts, finds its
 * settings and credentials, and keeps its state across upgrades.
 *
 * <p>The newest operator API on Maven Central that this build can resolve is 1.10, which predates
 * Flink 2 and has no {@code v2_2} in its {@code FlinkVersion} enum. The test therefore checks
 * {@code flinkVersion} as text and every other field through the model. The operator's spec classes
 * ignore fields they do not know, so the test writes the model back out and requires every field
 * of the manifest to survive: a misspelt key fails it.
 */
class FlinkDeploymentManifestTest {
  private static final Path DIR = Path.of(System.getProperty("manifest.dir", "."));
  private static final String MAIN_CONTAINER = "flink-main-container";
  /** A value read through the DirectoryConfigProvider: ${secrets:DIRECTORY:FILE}. */
  private static final Pattern SECRET_REFERENCE =
      Pattern.compile("\\$\\{secrets:([^:}]+):([^}]+)}");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static JsonNode deploymentTree;
  private static FlinkDeployment deployment;
  private static ConfigMap configMap;
  private static Secret secret;
  private static JsonNode jobSettings;

  @BeforeAll
  static void readManifests() throws IOException {
    deploymentTree = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
    ObjectNode strict = deploymentTree.deepCopy();
    ((ObjectNode) strict.get("spec")).remove("flinkVersion");
    deployment = YAML.treeToValue(strict, FlinkDeployment.class);
    configMap = YAML.readValue(DIR.resolve("job-config.yaml").toFile(), ConfigMap.class);
    secret = YAML.readValue(DIR.resolve("kafka-secret.example.yaml").toFile(), Secret.class);
    jobSettings = YAML.readTree(configMap.getData().get("job.yaml"));
  }

  @Test
  void resourceKindsMatchOperatorModel() {
    assertThat(deploymentTree.path("apiVersion").asText())
        .isEqualTo(HasMetadata.getApiVersion(FlinkDeployment.class));
    assertThat(deploymentTree.path("kind").asText())
        .isEqualTo(HasMetadata.getKind(FlinkDeployment.class));
    assertThat(configMap.getKind()).isEqualTo("ConfigMap");
    assertThat(secret.getKind()).isEqualTo("Secret");
  }

  @Test
  void everyFieldIsKnownToOperatorModel() {
    // The status half of the model needs Flink 1.20 classes, so spec and metadata go separately.
    ObjectNode spec = deploymentTree.get("spec").deepCopy();
    spec.remove("flinkVersion");
    assertContained(spec, YAML.valueToTree(deployment.getSpec()), "/spec");
    assertContained(
        deploymentTree.get("metadata"), YAML.valueToTree(deployment.getMetadata()), "/metadata");
  }

  @Test
  void targetsFlinkTwoPointTwo() {
    assertThat(deploymentTree.path("spec").path("flinkVersion").asText()).isEqualTo("v2_2");
  }

  @Test
  void runsJobJarFromImageInApplicationMode() throws IOException {
    FlinkDeploymentSpec spec = deployment.getSpec();
    JobSpec job = spec.getJob();
    assertThat(spec.getImage()).matches("[^:]+:\\d+\\.\\d+\\.\\d+.*");
    assertThat(spec.getMode()).isEqualTo(KubernetesDeploymentMode.NATIVE);
    // A job section makes it an application deployment: the JobManager runs this jar.
    assertThat(job).isNotNull();
    assertThat(job.getEntryClass()).isEqualTo("io.cartjourneys.cli.CartJourneysCli");
    String jarInImage = copyDestination(Files.readAllLines(DIR.resolve("Dockerfile")));
    assertThat(job.getJarURI()).isEqualTo("local://" + jarInImage);
  }

  @Test
  void argsPointAtMountedConfigMap() {
    String[] args = deployment.getSpec().getJob().getArgs();
    assertThat(args).hasSize(3);
    assertThat(args[0]).isEqualTo("run");
    assertThat(args[1]).isEqualTo("--config");

    Volume volume = volumeFor(v -> v.getConfigMap() != null);
    assertThat(volume.getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName());
    String mountPath = mountPathOf(volume.getName());
    assertThat(args[2]).isEqualTo(mountPath + "/job.yaml");
    assertThat(configMap.getData()).containsKey("job.yaml");
  }

  @Test
  void parallelismMatchesJobSettings() {
    int parallelism = deployment.getSpec().getJob().getParallelism();
    assertThat(parallelism).isPositive();
    assertThat(jobSettings.path("runtime").path("parallelism").asInt()).isEqualTo(parallelism);
  }

  /**
   * The reporter settings match deploy/prometheus/flink-conf-metrics.yaml, and the PodMonitor there
   * finds the pods by their app label and scrapes the container port the reporter listens on.
   */
  @Test
  void exposesPrometheusMetricsToThePodMonitor() throws IOException {
    Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
    JsonNode shipped =
        YAML.readTree(DIR.resolve("../prometheus/flink-conf-metrics.yaml").toFile());
    for (String key : List.of("factory.class", "scope.variables.excludes")) {
      String full = "metrics.reporter.prom." + key;
      assertThat(flink).as(full).containsEntry(full, shipped.path(full).asText());
    }
    int port = Integer.parseInt(flink.get("metrics.reporter.prom.port"));

    Container main =
        deployment.getSpec().getPodTemplate().getSpec().getContainers().stream()
            .filter(c -> MAIN_CONTAINER.equals(c.getName()))
            .findFirst()
            .orElseThrow();
    JsonNode monitor = YAML.readTree(DIR.resolve("../prometheus/podmonitor.yaml").toFile());
    String portName =
        monitor.path("spec").path("podMetricsEndpoints").path(0).path("port").asText();
    assertThat(main.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo(portName);
              assertThat(p.getContainerPort()).isEqualTo(port);
            });
    // Flink's native Kubernetes integration labels its pods app=<cluster id>, the deployment name.
    assertThat(monitor.path("spec").path("selector").path("matchLabels").path("app").asText())
        .isEqualTo(deployment.getMetadata().getName());
  }

  @Test
  void upgradesThroughSavepoints() {
    JobSpec job = deployment.getSpec().getJob();
    assertThat(job.getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
    assertThat(job.getState()).isEqualTo(JobState.RUNNING);
    assertThat(job.getAllowNonRestoredState()).isFalse();
  }

  @Test
  void stateDirectoriesAreOnObjectStorage() {
    Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
    String checkpoints = flink.get("execution.checkpointing.dir");
    String savepoints = flink.get("execution.checkpointing.savepoint-dir");
    String ha = flink.get("high-availability.storageDir");
    assertThat(checkpoints).startsWith("s3://");
    assertThat(savepoints).startsWith("s3://");
    assertThat(ha).startsWith("s3://");
    assertThat(List.of(checkpoints, savepoints, ha)).doesNotHaveDuplicates();
    // Flink 1.x names of the same settings, which would be easy to mix in by copying.
    assertThat(flink).doesNotContainKeys("state.checkpoints.dir", "state.savepoints.dir");
    // The job's own setting would override the cluster's directory.
    assertThat(jobSettings.path("runtime").has("checkpoint-directory")).isFalse();
  }

  @Test
  void usesKubernetesHighAvailability() {
    assertThat(deployment.getSpec().getFlinkConfiguration())
        .containsEntry("high-availability.type", "kubernetes");
    assertThat(deployment.getSpec().getServiceAccount()).isNotBlank();
  }

  @Test
  void requestsResources() {
    FlinkDeploymentSpec spec = deployment.getSpec();
    assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
    assertThat(spec.getJobManager().getResource().getCpu()).isPositive();
    assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
    assertThat(spec.getTaskManager().getResource().getCpu()).isPositive();
    assertThat(spec.getFlinkConfiguration()).containsKey("taskmanager.numberOfTaskSlots");
  }

  @Test
  void kafkaCredentialsComeFromMountedSecret() {
    Volume volume = volumeFor(v -> v.getSecret() != null);
    assertThat(volume.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
    String mountPath = mountPathOf(volume.getName());

    JsonNode kafka = jobSettings.path("kafka").path("properties");
    assertThat(kafka.path("config.providers").asText()).isEqualTo("secrets");
    assertThat(kafka.path("config.providers.secrets.class").asText())
        .isEqualTo("org.apache.kafka.common.config.provider.DirectoryConfigProvider");

    List<String> referencedKeys = new ArrayList<>();
    kafka
        .fields()
        .forEachRemaining(
            e -> {
              Matcher m = SECRET_REFERENCE.matcher(e.getValue().asText());
              while (m.find()) {
                assertThat(m.group(1)).as(e.getKey()).isEqualTo(mountPath);
                referencedKeys.add(m.group(2));
              }
            });
    assertThat(referencedKeys).contains("sasl.jaas.config");
    String truststore = kafka.path("ssl.truststore.location").asText();
    assertThat(truststore).startsWith(mountPath + "/");
    referencedKeys.add(truststore.substring(mountPath.length() + 1));
    assertThat(secret.getStringData()).containsKeys(referencedKeys.toArray(String[]::new));
  }

  @Test
  void logsWithSharedMaskingConfiguration() throws IOException {
    String shared = Files.readString(DIR.resolve("../log4j2.properties"));
    assertThat(deployment.getSpec().getLogConfiguration())
        .containsEntry("log4j-console.properties", shared);
  }

  /** Fails unless every field of {@code expected} is in {@code actual} with the same value. */
  private static void assertContained(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      expected
          .fields()
          .forEachRemaining(
              e -> {
                String child = path + "/" + e.getKey();
                assertThat(actual.has(e.getKey())).as("%s is known to the model", child).isTrue();
                assertContained(e.getValue(), actual.get(e.getKey()), child);
              });
    } else if (expected.isArray()) {
      assertThat(actual.size()).as("%s size", path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertContained(expected.get(i), actual.get(i), path + "/" + i);
      }
    } else if (expected.isNumber() && actual.isNumber()) {
      assertThat(actual.asDouble()).as(path).isEqualTo(expected.asDouble());
    } else {
      assertThat(actual.asText()).as(path).isEqualTo(expected.asText());
    }
  }

  /** Returns the one pod volume that matches. */
  private static Volume volumeFor(java.util.function.Predicate<Volume> filter) {
    List<Volume> volumes =
        deployment.getSpec().getPodTemplate().getSpec().getVolumes().stream()
            .filter(filter)
            .toList();
    assertThat(volumes).hasSize(1);
    return volumes.get(0);
  }

  private static Container mainContainer() {
    return deployment.getSpec().getPodTemplate().getSpec().getContainers().stream()
        .filter(c -> MAIN_CONTAINER.equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + MAIN_CONTAINER));
  }

  /** Returns where the main container mounts the named volume. */
  private static String mountPathOf(String volumeName) {
    return mainContainer().getVolumeMounts().stream()
        .filter(m -> volumeName.equals(m.getName()))
        .map(VolumeMount::getMountPath)
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volumeName + " is not mounted"));
  }

  /** Returns the destination of the Dockerfile's COPY of the job jar. */
  private static String copyDestination(List<String> dockerfile) {
    for (String line : dockerfile) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 3
          && words[0].equals("COPY")
          && words[words.length - 2].endsWith("cart-journeys.jar")) {
        return words[words.length - 1];
      }
    }
    throw new AssertionError("the Dockerfile does not COPY cart-journeys.jar");
  }
}
