import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates topics with one replica each on a local broker, skipping those that exist. Run as a
 * single source file with the job jar on the class path, which carries the Kafka clients:
 *
 * <pre>java -cp cart-journeys.jar CreateTopics.java BOOTSTRAP PARTITIONS TOPIC...</pre>
 */
public class CreateTopics {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CreateTopics BOOTSTRAP PARTITIONS TOPIC...");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    int partitions = Integer.parseInt(args[1]);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (int i = 2; i < args.length; i++) {
        if (!existing.contains(args[i])) {
          missing.add(new NewTopic(args[i], partitions, (short) 1));
        }
      }
      admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      System.err.println(
          "created " + missing.size() + " topics with " + partitions + " partitions, "
              + (args.length - 2 - missing.size()) + " existed already");
    }
  }
}
