package dev.rewind.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rewind.api.time.GrammarSamples;
import dev.rewind.api.time.GrammarSamples.Sample;
import dev.rewind.api.time.TimeWindow;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyChecks;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.spec.DestinationUrls;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Standalone mode (the committed CRDs' schema and CEL rules, run by CEL-Java) gives the same verdict as the Java
 * checkers on generated values: CEL-Java's duration(), timestamp(), upperAscii() and matches() read the grammars
 * as the API server's CEL does.
 */
class StandaloneGrammarPropertiesTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private final ManifestReader reader = new ManifestReader("default");

  private boolean accepted(String kind, Map<String, Object> spec) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", "rewind.dev/v1alpha1");
    object.put("kind", kind);
    object.put("metadata", Map.of("name", "generated"));
    object.put("spec", spec);
    try {
      reader.readTexts(Map.of("generated.yaml", YAML.writeValueAsString(object)));
      return true;
    } catch (ManifestException e) {
      return false;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 500)
  void durationFieldsOfARetryPolicy(@ForAll("durations") String text) {
    RetryPolicySpec timeout = new RetryPolicySpec();
    timeout.setTimeout(text);
    assertThat(accepted("RetryPolicy", Map.of("timeout", text)))
        .as("timeout %s", text).isEqualTo(RetryPolicyChecks.problem(timeout) == null);
    RetryPolicySpec maxAge = new RetryPolicySpec();
    maxAge.setTimeout("1ms");
    maxAge.setMaxAge(text);
    assertThat(accepted("RetryPolicy", Map.of("timeout", "1ms", "maxAge", text)))
        .as("maxAge %s", text).isEqualTo(RetryPolicyChecks.problem(maxAge) == null);
  }

  @Property(tries = 500)
  void sinceAndUntilOfAReplay(@ForAll("instantsOrAgos") String since, @ForAll("instantsOrAgos") String until) {
    Instant now = Instant.parse("2026-11-27T12:00:00Z");
    Map<String, Object> routeRef = Map.of("name", "orders");
    assertThat(accepted("Replay", Map.of("routeRef", routeRef, "since", since)))
        .as("since %s", since).isEqualTo(TimeWindow.problem(since, null, now) == null);
    boolean sameForm = since.toUpperCase().contains("T") == until.toUpperCase().contains("T");
    if (sameForm) {
      assertThat(accepted("Replay", Map.of("routeRef", routeRef, "since", since, "until", until)))
          .as("since %s, until %s", since, until).isEqualTo(TimeWindow.problem(since, until, now) == null);
    }
  }

  @Property(tries = 500)
  void destinationUrlOfARoute(@ForAll("urls") String url) {
    assertThat(accepted("Route", Map.of("destination", Map.of("url", url))))
        .as("url %s", url).isEqualTo(DestinationUrls.problem(url) == null);
  }

  @Provide
  Arbitrary<String> durations() {
    Arbitrary<String> texts = GrammarSamples.durations().map(Sample::text);
    // Within the duration fields' 32 bytes: the schema's length bound refuses longer ones before any grammar is
    // read (a fraction padded with zeros can be 33), and RetryPolicyChecks judges the grammar alone.
    return Arbitraries.oneOf(texts, GrammarSamples.mutated(texts)).filter(text -> text.length() <= 32);
  }

  /**
   * Within since's and until's 40 bytes: the schema's length bound refuses longer ones before any grammar is read
   * (a zero duration padded with zeros can be 41), and TimeWindow judges the grammar alone.
   */
  @Provide
  Arbitrary<String> instantsOrAgos() {
    return Arbitraries.oneOf(GrammarSamples.timestamps().filter(Sample::valid).map(Sample::text),
        GrammarSamples.durations().filter(Sample::valid).map(Sample::text),
        GrammarSamples.timestamps().map(Sample::text)).filter(text -> text.length() <= 40);
  }

  @Provide
  Arbitrary<String> urls() {
    Arbitrary<String> texts = GrammarSamples.urls().map(Sample::text);
    return Arbitraries.oneOf(texts, GrammarSamples.mutated(texts));
  }
}
