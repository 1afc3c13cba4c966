package dev.rewind.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import dev.rewind.api.time.GrammarSamples;
import dev.rewind.api.time.GrammarSamples.Sample;
import dev.rewind.api.time.TimeWindow;
import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyChecks;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyStatus;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.DestinationUrls;
import dev.rewind.api.v1alpha1.route.spec.Match;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.operator.model.RetryPolicyStatuses;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real API server, with the generated CRDs, and the Java checkers give the same verdict on generated
 * durations, timestamps and URLs; whatever the server accepts, the operator's pure model code turns into Ready
 * (or, for a destination in a blocked range, a condition naming destination.url), never an exception. Creates are
 * server-side dry runs: the full admission chain (defaults, schema, CEL), nothing stored.
 */
@KubeApiTest
class GrammarAdmissionIT {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final Pattern MATCH_HOST = Pattern.compile(Match.HOST_PATTERN);

  /** Boundaries of the grammar and of each field's bound, on both sides. */
  private static final List<String> DURATION_EDGES = List.of("1ms", "10s", "30m", "1h", "1h0.000000001s", "0s",
      "0.000000001ms", "0.000000001s", "24h", "24h0.001s", "720h", "720h1ms", "87600h", "87600h1ms",
      "999999.999999999h", "1000000h", "99999999999h", "1.0000000001s", "1.000000001s", "1s1m", "1m1s",
      "1h1m1s1ms", "0.5ms", "23h59m59.999999999s", "999999ms", "1000000ms");
  private static final List<String> TIMESTAMP_EDGES = List.of("2026-11-27T10:00:00Z", "2026-11-27t10:00:00z",
      "2026-11-27T10:00:00.123456789+18:00", "2026-11-27T10:00:00-18:00", "2026-11-27T10:00:00+18:01",
      "2026-11-27T10:00:00-23:59", "2026-11-27T10:00:00+24:00",
      "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
      "1970-01-01T00:00:00+18:00", "2999-12-31T23:59:59.999999999-18:00", "1969-12-31T23:59:59Z",
      "3000-01-01T00:00:00Z", "2026-11-27T23:59:60Z", "2026-11-27T10:00:00.1234567891Z");

  private static String namespace;
  private static KubernetesClient admin;

  @BeforeAll
  static void install(KubeTestBed kube, @TestNamespace String ns) {
    admin = kube.adminClient();
    namespace = ns;
    Crds.installed(admin);
  }

  /** The stored object the server would create, or null when admission refused it (422). */
  private static <T extends HasMetadata> T admitted(T object) {
    object.getMetadata().setNamespace(namespace);
    try {
      return admin.resource(object).dryRun().create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422) {
        return null;
      }
      throw e;
    }
  }

  private static <T> List<T> samples(Arbitrary<T> arbitrary, int count) {
    return arbitrary.sampleStream().limit(count).toList();
  }

  /** Generated strings plus mutations of them, for strings no model describes. */
  private static List<String> texts(Arbitrary<? extends Sample<?>> samples, int count) {
    Arbitrary<String> texts = samples.map(Sample::text);
    return Stream.concat(samples(texts, count).stream(), samples(GrammarSamples.mutated(texts), count / 2).stream())
        .distinct().toList();
  }

  /**
   * Sends each text through admission in {@code object} and compares with {@code java}'s verdict. A batch where the
   * server accepted (or refused) everything would prove little, so each verdict must occur a few times.
   */
  private static <T extends HasMetadata> List<String> disagreements(List<String> texts, Function<String, T> object,
      Function<String, Boolean> java, Function<T, String> afterAdmission) {
    List<String> disagreements = new ArrayList<>();
    int accepted = 0;
    for (String text : texts) {
      T admittedObject = admitted(object.apply(text));
      boolean server = admittedObject != null;
      accepted += server ? 1 : 0;
      if (server != java.apply(text)) {
        disagreements.add("\"" + text + "\": API server " + (server ? "accepts" : "refuses") + ", Java "
            + (server ? "refuses" : "accepts"));
      } else if (server && afterAdmission != null) {
        String problem = afterAdmission.apply(admittedObject);
        if (problem != null) {
          disagreements.add("\"" + text + "\": admitted, then " + problem);
        }
      }
    }
    assertThat(accepted).as("accepted of %s", texts.size()).isBetween(5, texts.size() - 5);
    return disagreements;
  }

  private static RetryPolicy policy(RetryPolicySpec spec) {
    RetryPolicy policy = new RetryPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("generated").build());
    policy.setSpec(spec);
    return policy;
  }

  /** The operator's verdict on a stored policy: null when Ready, else what the condition says. */
  private static String notReady(RetryPolicy stored) {
    stored.getMetadata().setGeneration(1L);
    RetryPolicyStatus status = RetryPolicyStatuses.desired(stored, 0, NOW);
    Condition ready = status.getConditions().get(0);
    return "True".equals(ready.getStatus()) ? null : "not Ready: " + ready.getMessage();
  }

  @Test
  void durationsInEveryBoundedFieldGetTheSameVerdictAndAdmittedOnesAreReady() {
    // Within the duration fields' 32 bytes: the schema's length bound refuses longer ones before any grammar is
    // read (a fraction padded with zeros can be longer), and RetryPolicyChecks judges the grammar alone.
    List<String> texts = Stream.concat(DURATION_EDGES.stream(), texts(GrammarSamples.durations(), 150).stream())
        .filter(text -> text.length() <= 32).distinct().toList();
    assertThat(texts).hasSizeGreaterThan(100);
    List<String> disagreements = new ArrayList<>();
    disagreements.addAll(disagreements(texts, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setTimeout(text);
      spec.setMaxAge("720h");
      return policy(spec);
    }, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setTimeout(text);
      spec.setMaxAge("720h");
      return RetryPolicyChecks.problem(spec) == null;
    }, GrammarAdmissionIT::notReady));
    disagreements.addAll(disagreements(texts, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setTimeout("1ms");
      spec.setMaxAge(text);
      return policy(spec);
    }, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setTimeout("1ms");
      spec.setMaxAge(text);
      return RetryPolicyChecks.problem(spec) == null;
    }, GrammarAdmissionIT::notReady));
    disagreements.addAll(disagreements(texts, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setBackoff(backoff(text, "24h"));
      return policy(spec);
    }, text -> {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setBackoff(backoff(text, "24h"));
      return RetryPolicyChecks.problem(spec) == null;
    }, GrammarAdmissionIT::notReady));

    assertThat(disagreements).isEmpty();
  }

  private static Backoff backoff(String initialDelay, String maxDelay) {
    Backoff backoff = new Backoff();
    backoff.setInitialDelay(initialDelay);
    backoff.setMaxDelay(maxDelay);
    return backoff;
  }

  private static Replay replay(String since, String until) {
    Replay replay = new Replay();
    replay.setMetadata(new ObjectMetaBuilder().withName("generated").build());
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference("orders"));
    spec.setSince(since);
    spec.setUntil(until);
    replay.setSpec(spec);
    return replay;
  }

  @Test
  void sinceAndUntilGetTheSameVerdictAsTimeWindow() {
    List<String> texts = new ArrayList<>(TIMESTAMP_EDGES);
    texts.addAll(DURATION_EDGES);
    texts.addAll(texts(GrammarSamples.timestamps(), 120));
    texts.addAll(texts(GrammarSamples.durations(), 60));
    // Within since's and until's 40 bytes, for the same reason as the durations above.
    texts.removeIf(text -> text.length() > 40);
    List<String> disagreements = new ArrayList<>();
    disagreements.addAll(disagreements(texts, text -> replay(text, null),
        text -> TimeWindow.problem(text, null, NOW) == null, null));
    disagreements.addAll(disagreements(texts, text -> replay(null, text),
        text -> TimeWindow.problem(null, text, NOW) == null, null));

    // Pairs of the same form, which admission orders; the reference instant does not matter to them.
    List<String> timestamps = samples(GrammarSamples.timestamps().filter(Sample::valid).map(Sample::text), 40);
    List<String> durations = samples(GrammarSamples.durations().filter(Sample::valid).map(Sample::text), 40);
    Random random = new Random(7);
    for (List<String> pool : List.of(timestamps, durations)) {
      for (int i = 0; i < 30; i++) {
        String since = pool.get(random.nextInt(pool.size()));
        String until = random.nextInt(4) == 0 ? since : pool.get(random.nextInt(pool.size()));
        boolean server = admitted(replay(since, until)) != null;
        boolean java = TimeWindow.problem(since, until, NOW) == null;
        if (server != java) {
          disagreements.add("since \"" + since + "\", until \"" + until + "\": API server "
              + (server ? "accepts" : "refuses") + ", TimeWindow " + (java ? "accepts" : "refuses"));
        }
      }
    }

    assertThat(disagreements).isEmpty();
  }

  private static Route route(String url, String matchHost) {
    Route route = new Route();
    route.setMetadata(new ObjectMetaBuilder().withName("generated").build());
    RouteSpec spec = new RouteSpec();
    spec.setDestination(new Destination(url));
    if (matchHost != null) {
      Match match = new Match();
      match.setHost(matchHost);
      spec.setMatch(match);
    }
    route.setSpec(spec);
    return route;
  }

  /** The resolver's verdict on a stored Route: null when it resolves or its destination is merely blocked. */
  private static String unresolved(Route stored) {
    stored.getMetadata().setGeneration(1L);
    RouteResolver.Result result = new RouteResolver(AddressPolicy.cluster()).resolve(stored, Map.of());
    if (result.ok() || (result.reason() == RouteResolver.Reason.DestinationBlocked
        && result.message().startsWith("destination.url "))) {
      return null;
    }
    return result.reason() + ": " + result.message();
  }

  @Test
  void destinationUrlsGetTheSameVerdictAndAdmittedRoutesResolve() {
    List<String> urls = texts(GrammarSamples.urls(), 150);
    List<String> disagreements = new ArrayList<>(disagreements(urls, url -> route(url, null),
        url -> DestinationUrls.problem(url) == null, GrammarAdmissionIT::unresolved));
    // A Replay override's destination is the same type, with the same rule.
    List<String> someOfEach = Stream.concat(
        urls.stream().filter(url -> DestinationUrls.problem(url) == null).limit(20),
        urls.stream().filter(url -> DestinationUrls.problem(url) != null).limit(20)).toList();
    disagreements.addAll(disagreements(someOfEach, url -> {
      Replay replay = replay(null, null);
      ReplayOverride override = new ReplayOverride();
      override.setDestination(new Destination(url));
      replay.getSpec().setOverride(override);
      return replay;
    }, url -> DestinationUrls.problem(url) == null, null));

    assertThat(disagreements).isEmpty();
  }

  @Test
  void matchHostPortsGetTheSameVerdict() {
    List<String> hosts = new ArrayList<>(List.of("b.ns.svc", "*.example.com:443", "b:0", "b:1", "b:65535",
        "b:65536", "b:99999", "b:08080", "b:", "B.example.com"));
    new Random(11).ints(30, 0, 100_000).forEach(port -> hosts.add("svc.ns:" + port));

    List<String> disagreements = disagreements(hosts, host -> route("http://b.ns.svc/", host),
        host -> MATCH_HOST.matcher(host).find(), GrammarAdmissionIT::unresolved);

    assertThat(disagreements).isEmpty();
  }

  @Test
  void generatedRetryPoliciesGetTheSameVerdictAndAdmittedOnesAreReady() {
    Random random = new Random(42);
    List<String> timeouts = List.of("1ms", "10s", "1h", "1h1ms", "0s", "30m", "0.5s");
    List<String> maxAges = List.of("1ms", "10s", "24h", "720h", "720h1s", "30m");
    List<String> delays = List.of("0s", "1s", "5m", "24h", "24h1ms", "250ms");
    List<List<String>> retryOns = List.of(List.of("5xx"), List.of("4xx", "timeout"), List.of("500-504"),
        List.of("504-500"), List.of("2xx"), List.of("429", "connect-failure", "tls-failure"), List.of("400-599"));
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      RetryPolicySpec spec = new RetryPolicySpec();
      spec.setMaxAttempts(1 + random.nextInt(100));
      spec.setTimeout(pick(random, timeouts));
      spec.setMaxAge(pick(random, maxAges));
      Backoff backoff = backoff(pick(random, delays), pick(random, delays));
      backoff.setPolicy(pick(random, List.of(BackoffPolicy.values())));
      backoff.setMultiplier(pick(random, List.of(1.0, 1.5, 2.0, 10.0)));
      backoff.setJitter(random.nextInt(3) / 2.0);
      spec.setBackoff(backoff);
      spec.setRetryOn(random.nextInt(4) == 0 ? null : pick(random, retryOns));
      spec.setHonorRetryAfter(random.nextBoolean());

      RetryPolicy stored = admitted(policy(spec));
      String java = RetryPolicyChecks.problem(spec);
      if ((stored != null) != (java == null)) {
        disagreements.add(describe(spec) + ": API server " + (stored != null ? "accepts" : "refuses") + ", Java "
            + (java == null ? "accepts" : "refuses: " + java));
      } else if (stored != null && notReady(stored) != null) {
        disagreements.add(describe(spec) + ": admitted, then " + notReady(stored));
      }
    }

    assertThat(disagreements).isEmpty();
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String describe(RetryPolicySpec s) {
    Backoff b = s.getBackoff();
    return "timeout " + s.getTimeout() + ", maxAge " + s.getMaxAge() + ", backoff " + b.getPolicy() + " "
        + b.getInitialDelay() + ".." + b.getMaxDelay() + " x" + b.getMultiplier() + ", retryOn " + s.getRetryOn();
  }
}
