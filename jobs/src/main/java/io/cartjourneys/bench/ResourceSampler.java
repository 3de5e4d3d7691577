package io.cartjourneys.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Samples this JVM while a benchmark runs: heap in use every 100 ms, heap left after each garbage
 * collection, process CPU time, and CPU time per Flink task thread.
 *
 * <p>Task threads are named after their operator chain plus {@code " (i/n)#a"}, and their CPU times
 * are summed per chain. Flink's timer and output-flusher threads of each task are left out. A
 * thread's last sample is at most one period before it ends, so up to 100 ms of CPU per thread can
 * be missed. CPU spent outside Java threads (garbage collection, JIT, RocksDB compaction) appears
 * only in the process total.
 */
final class ResourceSampler implements AutoCloseable {
  private static final long PERIOD_MILLIS = 100;
  private static final Pattern SUBTASK_SUFFIX = Pattern.compile("\\s\\(\\d+/\\d+\\)(#\\d+)?$");

  /** Flink's helper threads per task: timers and buffer flushing, not the operators' work. */
  private static final Pattern HELPER_THREAD =
      Pattern.compile("^(OutputFlusher for |Time Trigger for |System Time Trigger for )");

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Set<String> heapPools = new HashSet<>();
  private final Map<Long, String> threadNames = new HashMap<>();
  private final Map<Long, Long> threadCpuNanos = new HashMap<>();
  private final long processCpuStart;
  private final Thread sampler;
  private final NotificationListener gcListener = this::onGc;
  private volatile boolean running = true;
  private volatile long peakHeapUsed;
  private volatile long maxHeapAfterGc;
  private volatile long processCpuNanos;

  ResourceSampler() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(gcListener, null, null);
      }
    }
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    processCpuStart = os.getProcessCpuTime();
    sampler = new Thread(this::loop, "bench-resource-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void sample() {
    peakHeapUsed = Math.max(peakHeapUsed, memory.getHeapMemoryUsage().getUsed());
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids, 0);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue; // ended between the two calls
      }
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (cpu >= 0) {
        threadNames.put(ids[i], infos[i].getThreadName());
        threadCpuNanos.put(ids[i], cpu);
      }
    }
  }

  private void onGc(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    maxHeapAfterGc = Math.max(maxHeapAfterGc, used);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join(5_000);
    sample();
    processCpuNanos = os.getProcessCpuTime() - processCpuStart;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(gcListener);
        } catch (javax.management.ListenerNotFoundException e) {
          // never added to this bean
        }
      }
    }
  }

  long peakHeapUsed() {
    return peakHeapUsed;
  }

  /** Largest heap in use right after a collection: live data plus garbage not yet collected. */
  long maxHeapAfterGc() {
    return maxHeapAfterGc;
  }

  long processCpuNanos() {
    return processCpuNanos;
  }

  /** CPU nanoseconds per Flink task (operator chain), summed over its subtasks. */
  synchronized Map<String, Long> cpuByTask() {
    Map<String, Long> result = new TreeMap<>();
    for (Map.Entry<Long, Long> e : threadCpuNanos.entrySet()) {
      String name = threadNames.get(e.getKey());
      if (name != null
          && SUBTASK_SUFFIX.matcher(name).find()
          && !HELPER_THREAD.matcher(name).find()) {
        String task = SUBTASK_SUFFIX.matcher(name).replaceFirst("");
        result.merge(task, e.getValue(), Long::sum);
      }
    }
    return result;
  }
}
