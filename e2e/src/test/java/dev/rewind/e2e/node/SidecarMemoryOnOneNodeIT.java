package dev.rewind.e2e.node;

import static dev.rewind.e2e.node.OneNodeRewind.OUTPUT;
import static dev.rewind.e2e.node.OneNodeRewind.POLL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.OneNodeCluster;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check: the injected sidecar container's memory, read from its cgroup on the node, while
 * Service A's pod sends 500 events a second through it for a sustained period (BENCHMARKS.md, "The sidecar's
 * memory in a pod"). The chart and shop.yaml as in {@link ShopOnOneNodeIT}; the sidecar with the injector's
 * settings (the image's JVM options, the injector's 160Mi limit). Runs only when asked:
 *
 * <pre>
 * ./mvnw -B -pl e2e -Pone-node-cluster verify -Dit.test=SidecarMemoryOnOneNodeIT -Drewind.bench.sidecar-memory=true \
 *   [-Drewind.bench.rate=500 -Drewind.bench.seconds=180]
 * </pre>
 *
 * <p>The figures go to target/one-node/sidecar-memory.txt; nothing is asserted on them (the machine is shared).
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
@EnabledIfSystemProperty(named = "rewind.bench.sidecar-memory", matches = "true")
class SidecarMemoryOnOneNodeIT {

  private static final String SHOP = "shop";
  private static final String SIDECAR = "rewind-sidecar";
  /**
   * An open loop in the app container: THREADS threads, each on its own keep-alive connection to the sidecar's
   * capture port, together starting RATE requests a second for SECONDS (each at its due time; one that falls behind
   * sends at once), every request a small order with its own Idempotency-Key. Prints one line per 10 s and a
   * summary: sent, acknowledged (202), errors, the rate achieved and acknowledgement latency percentiles.
   */
  private static final String LOAD = """
      import sys,time,threading,http.client
      rate,seconds,threads,port,route=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4]),sys.argv[5]
      lock=threading.Lock()
      acks,errors,lat=[0],[0],[]
      t0=time.monotonic()+1
      total=rate*seconds
      def worker(k):
          conn=None
          for i in range(k,total,threads):
              due=t0+i/rate
              wait=due-time.monotonic()
              if wait>0:
                  time.sleep(wait)
              key='mem-%07d' % i
              body=('{"orderId":"%s","items":[{"sku":"A-100","qty":1}],"note":"sidecar memory in a pod"}' % key)
              start=time.monotonic()
              try:
                  if conn is None:
                      conn=http.client.HTTPConnection('127.0.0.1',port,timeout=30)
                  conn.request('POST','/v1/routes/'+route,body=body,headers={'Content-Type':'application/json',
                      'Idempotency-Key':key})
                  r=conn.getresponse(); r.read()
                  ok=r.status==202
              except Exception:
                  ok=False
                  conn=None
              with lock:
                  if ok:
                      acks[0]+=1; lat.append(time.monotonic()-start)
                  else:
                      errors[0]+=1
      ts=[threading.Thread(target=worker,args=(k,),daemon=True) for k in range(threads)]
      [t.start() for t in ts]
      last=0
      while any(t.is_alive() for t in ts):
          time.sleep(1)
          el=time.monotonic()-t0
          if el-last>=10:
              last=el
              with lock:
                  print('t=%3.0fs acknowledged %d errors %d' % (el,acks[0],errors[0]),flush=True)
      el=time.monotonic()-t0
      lat.sort()
      p=lambda q: lat[min(len(lat)-1,int(q*len(lat)))]*1000 if lat else float('nan')
      print('sent %d acknowledged %d errors %d in %.1fs: %.0f/s; ack p50 %.1f ms p99 %.1f ms' %
          (total,acks[0],errors[0],el,acks[0]/el,p(0.5),p(0.99)),flush=True)
      """;

  private static OneNodeRewind rewind;

  @BeforeAll
  static void installTheChart() throws IOException {
    rewind = OneNodeRewind.install(List.of(SHOP), List.of(SHOP));
    ToolResult apply = rewind.cluster.kubectl("apply", "-f", OneNodeRewind.resource("shop.yaml"));
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
  }

  @AfterAll
  static void down() {
    if (rewind != null) {
      rewind.close();
    }
  }

  @Test
  void recordsTheSidecarContainersMemoryWhileEventsFlowThroughIt() throws Exception {
    int rate = Integer.getInteger("rewind.bench.rate", 500);
    int seconds = Integer.getInteger("rewind.bench.seconds", 180);
    Pod pod = await("Service A's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> rewind.pods(SHOP, "app.kubernetes.io/name", "service-a").stream().findFirst().orElse(null),
            p -> p != null && Readiness.isPodReady(p));
    await("Service B's pod Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> rewind.pods(SHOP, "app.kubernetes.io/name", "service-b").stream()
            .anyMatch(Readiness::isPodReady));

    // The sidecar's process on the node (containerd's task), and its memory cgroup (v1 here): what the kubelet
    // and the OOM killer count for the container.
    String container = OneNodeRewind.containerId(pod, SIDECAR);
    String pid = rewind.ctr("task", "ls").stdout().lines().filter(l -> l.startsWith(container))
        .map(l -> l.trim().split("\\s+")[1]).findFirst().orElseThrow();
    Path cgroup = memoryCgroup(pid);
    List<String> samples = new CopyOnWriteArrayList<>();
    long begin = System.nanoTime();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> samples.add(sample((System.nanoTime() - begin) / 1_000_000_000L, cgroup,
        pid)), 0, 1, TimeUnit.SECONDS);
    String idle;
    ToolResult load;
    try {
      await("an idle sample").atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> !samples.isEmpty());
      idle = samples.get(0);
      load = rewind.cluster.tool(Duration.ofSeconds(seconds + 180), "kubectl", "-n", SHOP, "exec",
          pod.getMetadata().getName(), "-c", "app", "--", "python3", "-c", LOAD, String.valueOf(rate),
          String.valueOf(seconds), "16", "4470", "orders-to-service-b");
    } finally {
      sampler.shutdown();
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(load.exitCode()).as(load.stderr()).isZero();
    String peak = Files.readString(cgroup.resolve("memory.max_usage_in_bytes")).trim();
    String limit = Files.readString(cgroup.resolve("memory.limit_in_bytes")).trim();
    String restarts = rewind.cluster.kubectl("-n", SHOP, "get", "pod", pod.getMetadata().getName(), "-o",
        "jsonpath={.status.initContainerStatuses[0].restartCount}").stdout();

    // The samples taken while the load ran, after its first 10 s: the steady state.
    List<long[]> steady = new ArrayList<>();
    for (String s : samples) {
      String[] f = s.split(" ");
      long at = Long.parseLong(f[0]);
      if (at >= 11 && at <= seconds) {
        steady.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
      }
    }
    assertThat(steady).as("samples taken under load").isNotEmpty();
    String summary = "rate " + rate + "/s for " + seconds + " s through " + pod.getMetadata().getName() + "'s "
        + SIDECAR + " (pid " + pid + " on the node, cgroup " + cgroup + ")\n"
        + "load: " + load.stdout() + "\n"
        + "idle (t, usage, working set, rss bytes): " + idle + "\n"
        + "steady state, MiB (min / median / max of " + steady.size() + " samples):\n"
        + "  memory.usage_in_bytes " + mib(steady, 0) + "\n"
        + "  working set (usage - total_inactive_file) " + mib(steady, 1) + "\n"
        + "  process RSS (VmRSS) " + mib(steady, 2) + "\n"
        + "memory.max_usage_in_bytes " + Long.parseLong(peak) / 1048576 + " MiB; limit " + Long.parseLong(limit)
        / 1048576 + " MiB; sidecar restarts " + restarts + "\n";
    Files.writeString(OUTPUT.resolve("sidecar-memory.txt"), summary + "\nsamples (s, usage, working set, rss):\n"
        + String.join("\n", samples) + "\n");
    System.out.println(summary);
    assertThat(load.stdout()).as("events acknowledged").containsPattern("acknowledged [1-9]");
  }

  /** The container's memory cgroup folder on the node, from /proc/PID/cgroup ("N:memory:/path"). */
  private static Path memoryCgroup(String pid) throws IOException {
    String line = Files.readAllLines(Path.of("/proc", pid, "cgroup")).stream()
        .filter(l -> l.split(":", 3)[1].equals("memory")).findFirst()
        .orElseThrow(() -> new AssertionError("no memory cgroup (v1) for pid " + pid));
    return Path.of("/sys/fs/cgroup/memory" + line.split(":", 3)[2]);
  }

  /** "SECONDS USAGE WORKING_SET RSS": the working set as the kubelet computes it (usage minus inactive file). */
  private static String sample(long at, Path cgroup, String pid) {
    try {
      long usage = Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).trim());
      long inactive = Files.readAllLines(cgroup.resolve("memory.stat")).stream()
          .filter(l -> l.startsWith("total_inactive_file ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
          .findFirst().orElse(0);
      long rss = Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0);
      return at + " " + usage + " " + Math.max(0, usage - inactive) + " " + rss;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String mib(List<long[]> samples, int field) {
    List<Long> values = new ArrayList<>(samples.stream().map(s -> s[field]).toList());
    Collections.sort(values);
    return values.get(0) / 1048576 + " / " + values.get(values.size() / 2) / 1048576 + " / "
        + values.get(values.size() - 1) / 1048576;
  }
}
