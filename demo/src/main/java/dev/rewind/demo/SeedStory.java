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
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *   <li>The three-hop story: Service B passes each order on to the partner API through its own sidecar. A bad
 *       release of B answers 200 to every order but drops those in CHF; both hops stay green.
 *   <li>The Flow across both hops ({@code bin/rewind flow --broken}) names exactly the orders B dropped, broken
 *       after hop 0, and tells one of them end to end.
 *   <li>B is fixed; a Replay of the broken orders' hop 0 gives them to B again, and every order is complete, each
 *       at the partner once.
 * </ol>
 */
public final class SeedStory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ORDERS_DURING_OUTAGE = 20;
  private static final int ORDERS_AFTER_RECOVERY = 5;
  private static final int ORDERS_OF_THE_BAD_RELEASE = 10;
  private static final String ROUTE_TO_B = "orders-to-service-b";
  private static final String ROUTE_TO_PARTNER = "orders-to-partner";
  private static final String FLOW = "examples/standalone/orders-flow.yaml";
  /** The Replay that mends the broken orders: it selects them by the Flow's verdict (spec.flowRef). */
  private static final String MEND = "examples/standalone/replay-broken-orders.yaml";
  /**
   * The demo's JVMs live for seconds: compiling with C1 only, they start sooner and on less CPU (the sidecars
   * and every bin/rewind run; REWIND_JAVA_OPTS overrides it for the latter).
   */
  private static final String SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1";

  private final Path root;
  private final Path work;
  private final HttpClient viaSidecar;
  private final HttpClient admin = HttpClient.newHttpClient();
  private final List<Process> sidecars = new ArrayList<>();

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
        story.stopSidecars();
      }
    }
    System.exit(exit);
  }

  private int play(boolean keep) throws Exception {
    title("Rewind demo: the seed story, on this machine");
    say("ERP -> Service A -> Service B -> partner API; A's and B's pods each have a Rewind sidecar.");
    say("Service B is about to time out.");
    say("Routes, policies and the flow: examples/standalone/*.yaml (the same YAML a cluster takes).");
    try (PartnerApi partner = new PartnerApi(18090); ServiceB serviceB = new ServiceB(18080, 4481)) {
      Sidecar sidecarB = startSidecars();

      step(1, "Service B is down: it answers after 2 s, Service A's policy \"quick\" allows 500 ms x 3 tries");
      List<String> ids = new ArrayList<>();
      for (int n = 1; n <= ORDERS_DURING_OUTAGE; n++) {
        ids.add(sendOrder(n, "EUR"));
      }
      say("Service A sent %d orders; the sidecar acknowledged each (202) once it was durably journaled.",
          ORDERS_DURING_OUTAGE);
      say("Retrying with backoff 200 ms, 400 ms ... until the policy gives up.");
      await(() -> stats(4472, ROUTE_TO_B).path("dead").asLong() >= ORDERS_DURING_OUTAGE, Duration.ofSeconds(60));
      printStats();
      say("Nothing crashed and nothing is lost: every failed order is in the journal, state dead.");

      awaitReady(sidecarB);
      step(2, "Service B recovers at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
      serviceB.recover();
      for (int n = ORDERS_DURING_OUTAGE + 1; n <= ORDERS_DURING_OUTAGE + ORDERS_AFTER_RECOVERY; n++) {
        sendOrder(n, "EUR");
      }
      await(() -> stats(4472, ROUTE_TO_B).path("delivered").asLong() >= ORDERS_AFTER_RECOVERY,
          Duration.ofSeconds(30));
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
      int seedOrders = ORDERS_DURING_OUTAGE + ORDERS_AFTER_RECOVERY;
      boolean seedResolved = serviceB.orders().size() == seedOrders;
      say(seedResolved ? "Every order reached Service B, each under its original event id."
          : "Service B is missing orders; see the output above.");

      boolean mended = threeHops(serviceB, partner, store, seedOrders);
      return ending(keep, seedResolved && mended, store);
    }
  }

  /**
   * Steps 5 to 7: Service B drops orders after answering 200; the Flow across both hops names them, tells one, and
   * the Replay built from it completes them once B is fixed. True when the Flow's broken set was exactly what B
   * dropped and every order then reached the partner, once.
   */
  private boolean threeHops(ServiceB serviceB, PartnerApi partner, String store, int seedOrders) throws Exception {
    step(5, "Service B ships a release that answers 200 to every order but drops those in "
        + ServiceB.DROPPED_CURRENCY);
    await(() -> partner.orders().size() >= seedOrders, Duration.ofSeconds(30));
    serviceB.dropping(true);
    int orders = seedOrders + ORDERS_OF_THE_BAD_RELEASE;
    Set<String> chf = new LinkedHashSet<>();
    for (int n = seedOrders + 1; n <= orders; n++) {
      String currency = n % 3 == 0 ? ServiceB.DROPPED_CURRENCY : "EUR";
      sendOrder(n, currency);
      if (currency.equals(ServiceB.DROPPED_CURRENCY)) {
        chf.add(orderId(n));
      }
    }
    int forwarded = orders - chf.size();
    await(() -> stats(4472, ROUTE_TO_B).path("delivered").asLong() >= orders
        && stats(4482, ROUTE_TO_PARTNER).path("delivered").asLong() >= forwarded
        && partner.orders().size() >= forwarded, Duration.ofSeconds(30));
    // Every order B answered is delivered at hop 0 by now: the Flow's clock for hop 1 to capture it has started.
    Instant answered = Instant.now();
    say("Service A sent %d more orders, %d of them in %s (%s).", ORDERS_OF_THE_BAD_RELEASE, chf.size(),
        ServiceB.DROPPED_CURRENCY, String.join(", ", chf));
    printHopStats();
    say("Service B answered 200 to every one. The partner has %d of %d orders.", partner.orders().size(), orders);
    say("$ bin/rewind status        (no hop failed, so no route is unhealthy and no alert fires)");
    run(List.of("bin/rewind", "status", "--store", store));

    Duration within = within();
    step(6, "The Flow follows each order across both hops (" + FLOW + ", within "
        + within.toMillis() / 1000 + "s)");
    // The orders B dropped are in flight until within has passed since B's answer, then broken.
    await(() -> Instant.now().isAfter(answered.plus(within)), within.plusSeconds(5));
    say("$ bin/rewind flow --broken -f %s", FLOW);
    Cli broken = capture(List.of("bin/rewind", "flow", "--broken", "-f", FLOW, "--store", store));
    Set<String> brokenIds = brokenIds(broken.output());
    String story = chf.iterator().next();
    say("$ bin/rewind flow %s -f %s", story, FLOW);
    run(List.of("bin/rewind", "flow", story, "-f", FLOW, "--store", store));

    step(7, "Service B is fixed; on-call replays the broken orders' hop 0, so B gets them again (original ids)");
    serviceB.dropping(false);
    say("$ bin/rewind replay -f %s", MEND);
    int replayExit = run(List.of("bin/rewind", "replay", "-f", MEND, "--config-dir", "examples/standalone",
        "--store", store));
    if (replayExit == 0) {
      await(() -> partner.orders().size() >= orders, Duration.ofSeconds(30));
    }
    printHopStats();
    say("$ bin/rewind flow --broken -f %s", FLOW);
    Cli after = capture(List.of("bin/rewind", "flow", "--broken", "-f", FLOW, "--store", store));
    say("The partner has %d of %d orders (%d requests: each order once).", partner.orders().size(), orders,
        partner.requests());

    Matcher tally = Pattern.compile("(\\d+) orders entered .*: (\\d+) complete, 0 in flight, 0 failed, 0 broken")
        .matcher(after.output());
    boolean found = broken.exit() == 1 && brokenIds.equals(chf) && brokenIds.equals(serviceB.dropped());
    boolean mended = replayExit == 0 && after.exit() == 0 && tally.find()
        && Integer.parseInt(tally.group(1)) == orders && Integer.parseInt(tally.group(2)) == orders
        && partner.orders().size() == orders && partner.requests() == orders;
    if (!found) {
      say("The Flow's broken orders %s are not the ones Service B dropped %s.", brokenIds, serviceB.dropped());
    }
    return found && mended;
  }

  private int ending(boolean keep, boolean resolved, String store) {
    title(resolved ? "Resolved: every order reached the partner, each once, under its original event id."
        : "Not resolved: an order is missing; see the output above.");
    if (keep) {
      say("The sidecars keep running: Service A's (capture :4470, proxy :4471, admin :4472) and Service B's");
      say("(capture :4480, proxy :4481, admin :4482). Try:");
      say("  curl -s 'http://127.0.0.1:4472/v1/events?state=delivered&limit=3'");
      say("  bin/rewind events --store %s --state delivered", store);
      say("  bin/rewind flow --broken -f %s --store %s", FLOW, store);
    } else {
      say("Run ./demo.sh --keep to leave the sidecars running and explore their API.");
    }
    return resolved ? 0 : 1;
  }

  /**
   * Starts Service A's sidecar, which starts the embedded PostgreSQL, and Service B's on the same store as soon as
   * it is up: one journal, as in a cluster. Each serves only its own service's route. Service B's may still be
   * starting while step 1 plays (B is down then and passes nothing on); {@link #awaitReady} waits for it before B
   * recovers.
   */
  private Sidecar startSidecars() throws IOException, InterruptedException {
    Path data = work.resolve("pgdata");
    deleteRecursively(work);
    Files.createDirectories(work);
    say("Starting Service A's sidecar (embedded PostgreSQL in %s) ...", root.relativize(data));
    Path logA = work.resolve("sidecar.log");
    Sidecar sidecarA = startSidecar("service-a", ROUTE_TO_B, 4470,
        List.of("-Drewind.store.embedded-data-dir=" + data), logA);
    Path storeUrl = work.resolve("store.url");
    // Service A's sidecar writes the store's URL, a line, once its PostgreSQL is up.
    await(() -> alive(sidecarA) && readable(storeUrl), Duration.ofSeconds(120));
    Path logB = work.resolve("service-b-sidecar.log");
    Sidecar sidecarB = startSidecar("service-b", ROUTE_TO_PARTNER, 4480,
        List.of("-Drewind.store.url=" + Files.readString(storeUrl).trim()), logB);
    awaitReady(sidecarA);
    say("Service A's sidecar ready: capture API :4470, HTTP proxy :4471, trace API :4472 (log: %s).",
        root.relativize(logA));
    say("Service B's sidecar, same journal: capture :4480, proxy :4481, trace API :4482 (log: %s).",
        root.relativize(logB));
    return sidecarB;
  }

  private static boolean readable(Path storeUrl) {
    try {
      return Files.exists(storeUrl) && Files.readString(storeUrl).endsWith(System.lineSeparator());
    } catch (IOException e) {
      return false;
    }
  }

  /** A started sidecar: its process, its management port, its log. */
  private record Sidecar(Process process, int managementPort, Path log) {}

  /** Starts one sidecar, serving one route, on ports from {@code base}: capture, proxy, admin, management +9. */
  private Sidecar startSidecar(String workload, String route, int base, List<String> store, Path log)
      throws IOException {
    Path jar = root.resolve("sidecar/target/quarkus-app/quarkus-run.jar");
    List<String> command = new ArrayList<>(List.of(javaBin(), SHORT_LIVED_JVM,
        "-Drewind.config-dir=" + root.resolve("examples/standalone"),
        "-Drewind.workload=" + workload,
        // The pod annotation rewind.dev/routes; in a cluster the Route's spec.workloads does the same.
        "-Drewind.routes=" + route,
        "-Drewind.capture.port=" + base,
        "-Drewind.proxy.port=" + (base + 1),
        "-Dquarkus.http.port=" + (base + 2),
        "-Dquarkus.management.port=" + (base + 9)));
    command.addAll(store);
    command.addAll(List.of("-jar", jar.toString()));
    Sidecar sidecar = new Sidecar(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start(), base + 9, log);
    sidecars.add(sidecar.process());
    return sidecar;
  }

  private void awaitReady(Sidecar sidecar) throws InterruptedException {
    await(() -> alive(sidecar)
        && status("http://127.0.0.1:" + sidecar.managementPort() + "/q/health/ready") == 200, Duration.ofSeconds(120));
  }

  private boolean alive(Sidecar sidecar) {
    if (!sidecar.process().isAlive()) {
      throw new IllegalStateException("the sidecar exited; see " + root.relativize(sidecar.log()));
    }
    return true;
  }

  /** Stops Service B's sidecar first: Service A's runs the store both use. */
  private void stopSidecars() throws InterruptedException {
    for (int k = sidecars.size() - 1; k >= 0; k--) {
      Process sidecar = sidecars.get(k);
      if (sidecar.isAlive()) {
        sidecar.destroy();
        if (!sidecar.waitFor(30, TimeUnit.SECONDS)) {
          sidecar.destroyForcibly();
        }
      }
    }
  }

  private static String orderId(int n) {
    return String.format(Locale.ROOT, "ORD-%04d", 1000 + n);
  }

  /** Sends order n as Service A would, through the sidecar's proxy; returns Rewind's event id. */
  private String sendOrder(int n, String currency) throws IOException, InterruptedException {
    String orderId = orderId(n);
    HttpResponse<String> response = viaSidecar.send(HttpRequest.newBuilder(
            URI.create("http://service-b.local/orders"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", orderId)
        .header("ce-type", "order.created")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"orderId\":\"" + orderId + "\",\"amount\":" + (n * 7 % 90 + 10) + ",\"currency\":\"" + currency
                + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("order " + orderId + " was answered " + response.statusCode() + ": "
          + response.body());
    }
    return JSON.readTree(response.body()).path("id").asText();
  }

  /** The journal's counts of one route, from the admin API of the sidecar on {@code port}. */
  private JsonNode stats(int port, String route) {
    try {
      return JSON.readTree(admin.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/v1/stats?route=" + route)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new IllegalStateException("the sidecar's admin API does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void printStats() {
    printStats("Journal", 4472, ROUTE_TO_B);
  }

  /** Both hops' counts: A -> B from Service A's sidecar, B -> partner from Service B's. */
  private void printHopStats() {
    printStats("Hop 0, A -> B      ", 4472, ROUTE_TO_B);
    printStats("Hop 1, B -> partner", 4482, ROUTE_TO_PARTNER);
  }

  private void printStats(String label, int port, String route) {
    JsonNode s = stats(port, route);
    say(label + ": captured %d | delivered %d | pending %d | failed (retry scheduled) %d | dead %d",
        s.path("captured").asLong(), s.path("delivered").asLong(),
        s.path("pending").asLong() + s.path("delivering").asLong(), s.path("failed").asLong(),
        s.path("dead").asLong());
  }

  private int run(List<String> command) throws IOException, InterruptedException {
    return cli(command).inheritIO().start().waitFor();
  }

  /** A command run from the repository's root; a bin/rewind run as a {@link #SHORT_LIVED_JVM}. */
  private ProcessBuilder cli(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().putIfAbsent("REWIND_JAVA_OPTS", SHORT_LIVED_JVM);
    return builder;
  }

  /** What a command printed, and its exit code. */
  private record Cli(int exit, String output) {}

  /** Runs a command as {@link #run} does, printing its output, and keeps the output to check it. */
  private Cli capture(List<String> command) throws IOException, InterruptedException {
    Process p = cli(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    System.out.print(output);
    System.out.flush();
    return new Cli(p.waitFor(), output);
  }

  /** The correlation ids of {@code rewind flow --broken}'s table of broken orders. */
  private static Set<String> brokenIds(String output) {
    Set<String> ids = new LinkedHashSet<>();
    boolean table = false;
    for (String line : output.split("\\R")) {
      if (line.startsWith("CORRELATION ID")) {
        table = true;
      } else if (table && line.isBlank()) {
        break;
      } else if (table) {
        ids.add(line.split("\\s+")[0]);
      }
    }
    return ids;
  }

  /** The Flow's within, as its file says (s or ms). */
  private Duration within() throws IOException {
    Matcher m = Pattern.compile("(?m)^\\s*within:\\s*(\\d+)(ms|s)\\s*$").matcher(Files.readString(root.resolve(FLOW)));
    if (!m.find()) {
      throw new IllegalStateException(FLOW + ": expected spec.within in seconds or milliseconds");
    }
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMillis(n);
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
