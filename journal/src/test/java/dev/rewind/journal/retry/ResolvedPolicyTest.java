package dev.rewind.journal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.manifest.CrdSchemas;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResolvedPolicyTest {

  @Test
  void fallbacksAreTheCrdDefaults() {
    JSONSchemaProps spec = CrdSchemas.get().schemaOf("RetryPolicy").getProperties().get("spec");
    JSONSchemaProps backoff = spec.getProperties().get("backoff");
    assertThat(number(spec, "maxAttempts")).isEqualTo(ResolvedPolicy.DEFAULT_MAX_ATTEMPTS);
    assertThat(text(spec, "timeout")).isEqualTo(ResolvedPolicy.DEFAULT_TIMEOUT);
    assertThat(text(spec, "maxAge")).isEqualTo(ResolvedPolicy.DEFAULT_MAX_AGE);
    assertThat(text(backoff, "initialDelay")).isEqualTo(ResolvedPolicy.DEFAULT_INITIAL_DELAY);
    assertThat(text(backoff, "maxDelay")).isEqualTo(ResolvedPolicy.DEFAULT_MAX_DELAY);
    assertThat(number(backoff, "multiplier")).isEqualTo(ResolvedPolicy.DEFAULT_MULTIPLIER);
    assertThat(number(backoff, "jitter")).isEqualTo(ResolvedPolicy.DEFAULT_JITTER);
    assertThat(text(backoff, "policy")).isEqualTo("exponential");
    assertThat(spec.getProperties().get("honorRetryAfter").getDefault().asBoolean()).isTrue();
  }

  @Test
  void anEmptySpecResolvesToTheDefaults() {
    ResolvedPolicy p = ResolvedPolicy.from(new RetryPolicySpec());
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.backoff()).isEqualTo(BackoffPolicy.EXPONENTIAL);
    assertThat(p.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.maxDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(p.honorRetryAfter()).isTrue();
    assertThat(p.retryOn().patterns()).containsExactly("5xx", "408", "429", "connect-failure", "timeout");
  }

  private static String text(JSONSchemaProps schema, String field) {
    return schema.getProperties().get(field).getDefault().asText();
  }

  private static double number(JSONSchemaProps schema, String field) {
    return schema.getProperties().get(field).getDefault().asDouble();
  }
}
