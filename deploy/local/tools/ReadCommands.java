import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.io.OutputJson;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Prints every committed push and email command on the job's default command topics as one JSON
 * line each, read as a gateway would (read_committed), and ends once it has read all of them. Run
 * as a single source file with the job jar on the class path:
 *
 * <pre>java -cp cart-journeys.jar ReadCommands.java BOOTSTRAP</pre>
 */
public class ReadCommands {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ReadCommands BOOTSTRAP");
      System.exit(2);
    }
    JobConfig.Kafka kafka = new JobConfig().kafka;
    kafka.bootstrapServers = args[0];
    long count = 0;
    try (CommittedOutputReader reader =
        new CommittedOutputReader(kafka, List.of(kafka.pushTopic, kafka.emailTopic))) {
      // Bounded: at most 5 minutes, however fast the job writes.
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (System.nanoTime() < deadline) {
        List<ConsumerRecord<byte[], byte[]>> records = reader.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          System.out.println(OutputJson.command(EngagementCommand.getDecoder().decode(r.value())));
          count++;
        }
        if (records.isEmpty() && reader.caughtUp()) {
          break;
        }
      }
    }
    System.err.println(count + " committed commands");
  }
}
