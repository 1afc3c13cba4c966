package dev.rewind.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Plays the seed story on one machine, with the real sidecar and an embedded PostgreSQL:
 *
 * <ol>
 *   <li>Service B is down; Service A (its HTTP client pointed at the sidecar's proxy, no code change) sends orders.
 *       The sidecar journals each one, tries three times with the "quick" policy, and gives up: dead, not lost.
 *   <li>Service B recovers; new orders flow.
 *   <li>{@code bin/rewind status} says which route has dead events and what to do.
 *   <li>On-call replays exactly the failed orders with the "patient" policy ({@code bin/rewind replay -f ...}).
 *   <li>One order's trace shows every attempt, the replay's included.
 * </ol>
 */
public final class SeedStory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ORDERS_DURING_OUTAGE = 20;
  private static final int ORDERS_AFTER_RECOVERY = 5;

  private final Path root;
  private final Path work;
  private final HttpClient viaSidecar;
  private final HttpClient admin = HttpClient.newHttpClient();
  private Process sidecar;

  private SeedStory(Path root) {
    this.root = root;
    this.work = root.resolve(".rewind").resolve("demo");
    // Service A's only change: its HTTP client uses the sidecar as proxy (what HTTP_PROXY does for most clients).
    this.viaSidecar = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", 4471)))
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public static void main(String[] args) throws Exception {
    boolean keep = List.of(args).contains("--keep");
    SeedStory story = new SeedStory(Path.of("").toAbsolutePath());
    int exit;
    try {
      exit = story.play(keep);
    } finally {
      if (!keep) {
        story.stopSidecar();
      }
    }
    System.exit(exit);
  }

  private int play(boolean keep) throws Exception {
    title("Rewind demo: the seed story, on this machine");
    say("ERP -> Service A -> Service B. Service A's pod has a Rewind sidecar; Service B is about to time out.");
    say("Routes and policies: examples/standalone/*.yaml (the same YAML a cluster takes).");
    try (ServiceB serviceB = new ServiceB(18080)) {
      startSidecar();

      step(1, "Service B is down: it answers after 2 s, Service A's policy \"quick\" allows 500 ms x 3 tries");
      List<String> ids = new ArrayList<>();
      for (int n = 1; n <= ORDERS_DURING_OUTAGE; n++) {
        ids.add(sendOrder(n));
      }
      say("Service A sent %d orders; the sidecar acknowledged each (202) once it was durably journaled.",
          ORDERS_DURING_OUTAGE);
      say("Retrying with backoff 200 ms, 400 ms ... until the policy gives up.");
      await(() -> stats().path("dead").asLong() >= ORDERS_DURING_OUTAGE, Duration.ofSeconds(60));
      printStats();
      say("Nothing crashed and nothing is lost: every failed order is in the journal, state dead.");

      step(2, "Service B recovers at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
      serviceB.recover();
      for (int n = ORDERS_DURING_OUTAGE + 1; n <= ORDERS_DURING_OUTAGE + ORDERS_AFTER_RECOVERY; n++) {
        sendOrder(n);
      }
      await(() -> stats().path("delivered").asLong() >= ORDERS_AFTER_RECOVERY, Duration.ofSeconds(30));
      printStats();
      say("Service B has %d of %d orders. The %d sent during the outage never arrived.", serviceB.orders().size(),
          ORDERS_DURING_OUTAGE + ORDERS_AFTER_RECOVERY, ORDERS_DURING_OUTAGE);
      String store = Files.readString(work.resolve("store.url")).trim();
      say("$ bin/rewind status        (in a cluster: kubectl get routes, and the alerts)");
      // Exit code 1 says a route is unhealthy, which is the point here.
      run(List.of("bin/rewind", "status", "--store", store));

      step(3, "On-call replays exactly what failed, with the \"patient\" policy");
      List<String> replay = List.of("bin/rewind", "replay", "-f", "examples/standalone/replay-failed-orders.yaml",
          "--config-dir", "examples/standalone", "--store", store);
      say("$ %s", String.join(" ", replay.subList(0, 4)));
      int replayExit = run(replay);
      if (replayExit != 0) {
        say("the replay exited with %d", replayExit);
        return 1;
      }
      printStats();
      say("Service B now has %d distinct orders (%d requests in all, outage timeouts included).",
          serviceB.orders().size(), serviceB.requests());

      step(4, "What happened to one order (the first one sent during the outage)");
      say("$ bin/rewind trace %s     (or: curl http://127.0.0.1:4472/v1/events/%s)", ids.get(0), ids.get(0));
      run(List.of("bin/rewind", "trace", ids.get(0), "--store", store));

      boolean complete = serviceB.orders().size() == ORDERS_DURING_OUTAGE + ORDERS_AFTER_RECOVERY;
      title(complete ? "Resolved: every order reached Service B, each under its original event id."
          : "Not resolved: Service B is missing orders; see the output above.");
      if (keep) {
        say("The sidecar keeps running (capture :4470, proxy :4471, admin :4472). Try:");
        say("  curl -s 'http://127.0.0.1:4472/v1/events?state=delivered&limit=3'");
        say("  bin/rewind events --store %s --state delivered", store);
      } else {
        say("Run ./demo.sh --keep to leave the sidecar running and explore its API.");
      }
      return complete ? 0 : 1;
    }
  }

  private void startSidecar() throws IOException, InterruptedException {
    Path data = work.resolve("pgdata");
    deleteRecursively(work);
    Files.createDirectories(work);
    Path jar = root.resolve("sidecar/target/quarkus-app/quarkus-run.jar");
    say("Starting the sidecar (embedded PostgreSQL in %s) ...", root.relativize(data));
    sidecar = new ProcessBuilder(javaBin(),
        "-Drewind.config-dir=" + root.resolve("examples/standalone"),
        "-Drewind.store.embedded-data-dir=" + data,
        "-Drewind.workload=service-a",
        "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("sidecar.log").toFile())
        .start();
    await(() -> {
      if (!sidecar.isAlive()) {
        throw new IllegalStateException("the sidecar exited; see " + root.relativize(work.resolve("sidecar.log")));
      }
      return status("http://127.0.0.1:4479/q/health/ready") == 200;
    }, Duration.ofSeconds(120));
    say("Sidecar ready: capture API :4470, HTTP proxy :4471, trace API :4472 (log: %s).",
        root.relativize(work.resolve("sidecar.log")));
  }

  private void stopSidecar() throws InterruptedException {
    if (sidecar != null && sidecar.isAlive()) {
      sidecar.destroy();
      if (!sidecar.waitFor(30, TimeUnit.SECONDS)) {
        sidecar.destroyForcibly();
      }
    }
  }

  /** Sends order n as Service A would, through the sidecar's proxy; returns Rewind's event id. */
  private String sendOrder(int n) throws IOException, InterruptedException {
    String orderId = String.format(Locale.ROOT, "ORD-%04d", 1000 + n);
    HttpResponse<String> response = viaSidecar.send(HttpRequest.newBuilder(
            URI.create("http://service-b.local/orders"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", orderId)
        .header("ce-type", "order.created")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"orderId\":\"" + orderId + "\",\"amount\":" + (n * 7 % 90 + 10) + ",\"currency\":\"EUR\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("order " + orderId + " was answered " + response.statusCode() + ": "
          + response.body());
    }
    return JSON.readTree(response.body()).path("id").asText();
  }

  private JsonNode stats() {
    try {
      return JSON.readTree(admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:4472/v1/stats")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new IllegalStateException("the sidecar's admin API does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void printStats() {
    JsonNode s = stats();
    say("Journal: captured %d | delivered %d | pending %d | failed (retry scheduled) %d | dead %d",
        s.path("captured").asLong(), s.path("delivered").asLong(),
        s.path("pending").asLong() + s.path("delivering").asLong(), s.path("failed").asLong(),
        s.path("dead").asLong());
  }

  private int run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
    return p.waitFor();
  }

  private static int status(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Polls a condition of the running story; the demo's pace is the sidecar's, not a fixed sleep. */
  private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void title(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  private static void step(int n, String text) {
    System.out.println();
    System.out.println(n + ". " + text);
  }

  private static void say(String format, Object... args) {
    System.out.println("   " + String.format(Locale.ROOT, format, args));
  }
}
