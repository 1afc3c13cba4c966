package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import dev.rewind.api.time.GrammarSamples.Sample;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.route.spec.DestinationUrls;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The schema patterns (run as the API server runs them: RE2, searching) and the Java parsers and checkers give
 * the same verdict on generated strings, and that verdict is the one an independent model of each grammar
 * expects. What the parsers accept never overflows.
 */
class GrammarPropertiesTest {

  private static final Pattern DURATION_SCHEMA = Pattern.compile(Rewind.DURATION_PATTERN);
  private static final Pattern INSTANT_OR_AGO_SCHEMA = Pattern.compile(ReplaySpec.INSTANT_OR_AGO_PATTERN);
  private static final Pattern URL_RULE = Pattern.compile(DestinationUrls.PATTERN);
  /** Go's time.Duration: int64 nanoseconds. */
  private static final Duration GO_MAX = Duration.ofNanos(Long.MAX_VALUE);

  @Property(tries = 2000)
  @StatisticsReport(onFailureOnly = true)
  void durationsParseExactlyWhenTheModelAndTheSchemaSaySo(@ForAll("durations") Sample<Duration> sample) {
    String text = sample.text();
    bothVerdictsAreCommon("durations", sample.valid());
    assertThat(DURATION_SCHEMA.matcher(text).find()).as("schema on %s", text).isEqualTo(sample.valid());
    assertThat(INSTANT_OR_AGO_SCHEMA.matcher(text).find()).as("since/until schema on %s", text)
        .isEqualTo(sample.valid());
    if (sample.valid()) {
      Duration parsed = Durations.parse(text);
      assertThat(parsed).isEqualTo(sample.value()).isLessThan(GO_MAX);
      assertThat(InstantOrAgo.resolve(text, Instant.EPOCH)).isEqualTo(Instant.EPOCH.minus(parsed));
    } else {
      assertThatThrownBy(() -> Durations.parse(text)).isExactlyInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 2000)
  @StatisticsReport(onFailureOnly = true)
  void timestampsParseExactlyWhenTheModelAndTheSchemaSaySo(@ForAll("timestamps") Sample<Instant> sample) {
    String text = sample.text();
    bothVerdictsAreCommon("timestamps", sample.valid());
    assertThat(Pattern.compile(Timestamps.PATTERN).matcher(text).find()).as("schema on %s", text)
        .isEqualTo(sample.valid());
    assertThat(INSTANT_OR_AGO_SCHEMA.matcher(text).find()).as("since/until schema on %s", text)
        .isEqualTo(sample.valid());
    if (sample.valid()) {
      assertThat(Timestamps.parse(text)).isEqualTo(sample.value());
      assertThat(InstantOrAgo.resolve(text, Instant.EPOCH)).isEqualTo(sample.value());
      // Inside CEL's timestamp range (years 1 to 9999) whatever the offset.
      assertThat(sample.value()).isBetween(Instant.parse("0001-01-01T00:00:00Z"),
          Instant.parse("9999-12-31T23:59:59Z"));
    } else {
      assertThatThrownBy(() -> Timestamps.parse(text)).isExactlyInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 3000)
  void malformedSinceAndUntilValuesGetTheSameVerdictFromSchemaAndParser(@ForAll("mutatedInstantsOrAgos") String text) {
    boolean schema = INSTANT_OR_AGO_SCHEMA.matcher(text).find();
    assertThat(InstantOrAgo.isInstantOrAgo(text)).as("checker on %s", text).isEqualTo(schema);
    assertThat(DURATION_SCHEMA.matcher(text).find()).isEqualTo(Durations.isDuration(text));
    if (schema) {
      assertThat(InstantOrAgo.resolve(text, Instant.EPOCH)).isNotNull();
    } else {
      assertThatThrownBy(() -> InstantOrAgo.resolve(text, Instant.EPOCH))
          .isExactlyInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 2000)
  @StatisticsReport(onFailureOnly = true)
  void urlsAreAcceptedExactlyWhenTheModelSaysSoAndThenHaveAHostAndPort(@ForAll("urls") Sample<Void> sample) {
    String url = sample.text();
    bothVerdictsAreCommon("urls", sample.valid());
    assertThat(URL_RULE.matcher(url).find()).as("CEL rule on %s", url).isEqualTo(sample.valid());
    assertThat(DestinationUrls.problem(url) == null).as("checker on %s", url).isEqualTo(sample.valid());
    if (sample.valid()) {
      URI uri = URI.create(url);
      assertThat(uri.getHost()).as("host of %s", url).isNotNull();
      assertThat(uri.getPort()).as("port of %s", url).isNotZero().isBetween(-1, 65535);
    }
  }

  @Property(tries = 2000)
  void malformedUrlsGetTheSameVerdictFromTheRuleAndTheChecker(@ForAll("mutatedUrls") String url) {
    boolean accepted = URL_RULE.matcher(url).find();
    assertThat(DestinationUrls.problem(url) == null).as("checker on %s", url).isEqualTo(accepted);
    if (accepted) {
      URI uri = URI.create(url);
      assertThat(uri.getHost()).as("host of %s", url).isNotNull();
      assertThat(uri.getPort()).as("port of %s", url).isNotZero().isBetween(-1, 65535);
    }
  }

  /** A generator that almost never produced one of the verdicts would prove little. */
  private static void bothVerdictsAreCommon(String label, boolean valid) {
    Statistics.label(label).collect(valid ? "valid" : "invalid")
        .coverage(c -> {
          c.check("valid").percentage(p -> p >= 5);
          c.check("invalid").percentage(p -> p >= 5);
        });
  }

  @Provide
  Arbitrary<Sample<Duration>> durations() {
    return GrammarSamples.durations();
  }

  @Provide
  Arbitrary<Sample<Instant>> timestamps() {
    return GrammarSamples.timestamps();
  }

  @Provide
  Arbitrary<String> mutatedInstantsOrAgos() {
    return GrammarSamples.mutated(Arbitraries.oneOf(
        GrammarSamples.durations().map(Sample::text), GrammarSamples.timestamps().map(Sample::text)));
  }

  @Provide
  Arbitrary<Sample<Void>> urls() {
    return GrammarSamples.urls();
  }

  @Provide
  Arbitrary<String> mutatedUrls() {
    return GrammarSamples.mutated(GrammarSamples.urls().map(Sample::text));
  }
}
