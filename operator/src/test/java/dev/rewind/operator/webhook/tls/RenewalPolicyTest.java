package dev.rewind.operator.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When the stored certificate keeps serving and when it is renewed, branch by branch. */
class RenewalPolicyTest {

  private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration YEAR = Duration.ofDays(365);
  private static final List<String> HOSTS = List.of("rewind-sidecar-injector.rewind-system.svc", "127.0.0.1");
  private static final ServingCertificate FRESH = CertificateIssuer.issue(HOSTS, YEAR, ISSUED, "");
  private static final RenewalPolicy POLICY = new RenewalPolicy(Duration.ofDays(30));

  record Row(String name, Optional<ServingCertificate> stored, List<String> hosts, Instant now, boolean renew,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    RenewalPolicy.Decision decision = POLICY.decide(row.stored(), row.hosts(), row.now());

    assertThat(decision.renew()).as(decision.reason()).isEqualTo(row.renew());
    assertThat(decision.reason()).contains(row.reason());
  }

  static Stream<Row> rows() {
    ServingCertificate otherCa = CertificateIssuer.issue(HOSTS, YEAR, ISSUED, "");
    return Stream.of(
        new Row("no certificate yet: issue one", Optional.empty(), HOSTS, ISSUED, true, "no certificate"),
        new Row("a fresh certificate keeps serving", Optional.of(FRESH), HOSTS, ISSUED.plus(Duration.ofDays(1)),
            false, "valid until 2027-01-01"),
        new Row("31 days left: keeps serving", Optional.of(FRESH), HOSTS, ISSUED.plus(Duration.ofDays(334)), false,
            "valid until"),
        new Row("29 days left: renewed, a month ahead", Optional.of(FRESH), HOSTS, ISSUED.plus(Duration.ofDays(336)),
            true, "expires at 2027-01-01T00:00:00Z, within PT720H"),
        new Row("expired: renewed", Optional.of(FRESH), HOSTS, ISSUED.plus(Duration.ofDays(400)), true, "expired"),
        new Row("not yet valid (a clock jumped back): renewed", Optional.of(FRESH), HOSTS,
            ISSUED.minus(Duration.ofDays(1)), true, "not valid before"),
        new Row("a host it does not cover (the Service was renamed): renewed", Optional.of(FRESH),
            List.of("rewind-webhook.rewind-system.svc", "127.0.0.1"), ISSUED, true,
            "does not cover [rewind-webhook.rewind-system.svc]"),
        new Row("IPv6 addresses compare by address, not spelling",
            Optional.of(CertificateIssuer.issue(List.of("::1"), YEAR, ISSUED, "")), List.of("0:0:0:0:0:0:0:1"),
            ISSUED, false, "valid until"),
        new Row("a bundle without the certificate's CA: renewed",
            Optional.of(new ServingCertificate(FRESH.certificatePem(), FRESH.privateKeyPem(), otherCa.caBundlePem())),
            HOSTS, ISSUED, true, "not signed by a CA of the bundle"),
        new Row("a key of another certificate: renewed",
            Optional.of(new ServingCertificate(FRESH.certificatePem(), otherCa.privateKeyPem(), FRESH.caBundlePem())),
            HOSTS, ISSUED, true, "private key does not belong"),
        new Row("garbage where the certificate should be: renewed",
            Optional.of(new ServingCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                FRESH.privateKeyPem(), FRESH.caBundlePem())), HOSTS, ISSUED, true, "cannot be read"));
  }
}
