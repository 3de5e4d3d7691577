import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.Crowd;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Publishes the demo's input to the job's default input topics: Ananya's story and a crowd of
 * synthetic shoppers, as Avro single-object records in time order. Run as a single source file with
 * the job jar on the class path:
 *
 * <pre>java -cp cart-journeys.jar PublishSample.java BOOTSTRAP PEOPLE SEED</pre>
 */
public class PublishSample {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: PublishSample BOOTSTRAP PEOPLE SEED");
      System.exit(2);
    }
    JobConfig.Kafka kafka = new JobConfig().kafka;
    kafka.bootstrapServers = args[0];
    List<InputRecord> records = new ArrayList<>(StoryInputs.load(StoryInputs.ANANYA));
    records.addAll(Crowd.generate(Long.parseLong(args[2]), Integer.parseInt(args[1])));
    records.sort(
        Comparator.comparing(InputRecord::timestamp).thenComparing(r -> r.source().ordinal()));
    InputPublisher.publish(kafka, records);
    System.err.println("published " + records.size() + " input records to " + args[0]);
  }
}
