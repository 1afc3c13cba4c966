package dev.rewind.operator.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void issuesAnEcServingCertificateForTheHostsSignedByTheNewCa() throws Exception {
    ServingCertificate issued = CertificateIssuer.issue(
        List.of("rewind-sidecar-injector.rewind-system.svc", "127.0.0.1"), Duration.ofDays(365), NOW, "");

    X509Certificate leaf = issued.leaf();
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(leaf.getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1))).toList())
        .containsExactly("rewind-sidecar-injector.rewind-system.svc", "127.0.0.1");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateIssuer.BACKDATE));
    assertThat(issued.caBundle()).singleElement().satisfies(ca -> {
      assertThat(ca.getBasicConstraints()).isZero();
      leaf.verify(ca.getPublicKey());
    });
    assertThat(issued.keyMatches()).isTrue();
    assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aRenewalKeepsTheCasStillValidSoReplicasOnTheOldCertificateStayTrusted() {
    ServingCertificate first = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(365), NOW, "");
    ServingCertificate expired = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(1),
        NOW.minus(Duration.ofDays(30)), "");

    ServingCertificate renewed = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(365),
        NOW.plus(Duration.ofDays(340)), first.caBundlePem() + expired.caBundlePem());

    assertThat(renewed.caBundle()).hasSize(2);
    assertThat(renewed.caBundle().get(1)).isEqualTo(first.caBundle().get(0));
    assertThat(renewed.caBundle()).doesNotContain(expired.caBundle().get(0));
  }

  @Test
  void aCertificateNeedsAHost() {
    assertThatThrownBy(() -> CertificateIssuer.issue(List.of(), Duration.ofDays(1), NOW, ""))
        .hasMessageContaining("at least one host");
  }
}
