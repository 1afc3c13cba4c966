package dev.rewind.operator.webhook.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the stored certificate can keep serving: a pure decision on the certificate, the hosts it must cover and
 * the time, so every branch is a unit test. Renewing is always safe (the old CA stays in the bundle), so any doubt
 * about the stored certificate means renew.
 *
 * @param renewBefore renew when less than this is left (30 days of a one-year certificate by default), early enough
 *     that a few failed attempts, or an operator that is down for a while, do not let it lapse
 */
public record RenewalPolicy(Duration renewBefore) {

  /** The verdict and, for the log, why. */
  public record Decision(boolean renew, String reason) {
    static Decision keep(String reason) {
      return new Decision(false, reason);
    }

    static Decision renew(String reason) {
      return new Decision(true, reason);
    }
  }

  public Decision decide(Optional<ServingCertificate> stored, Collection<String> hosts, Instant now) {
    if (stored.isEmpty()) {
      return Decision.renew("there is no certificate yet");
    }
    ServingCertificate current = stored.get();
    X509Certificate leaf;
    List<X509Certificate> bundle;
    try {
      leaf = current.leaf();
      bundle = current.caBundle();
    } catch (IllegalArgumentException e) {
      return Decision.renew("the stored certificate cannot be read: " + e.getMessage());
    }
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (!notAfter.isAfter(now)) {
      return Decision.renew("the certificate expired at " + notAfter);
    }
    if (Duration.between(now, notAfter).compareTo(renewBefore) < 0) {
      return Decision.renew("the certificate expires at " + notAfter + ", within " + renewBefore);
    }
    if (leaf.getNotBefore().toInstant().isAfter(now)) {
      return Decision.renew("the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    Set<String> missing = new HashSet<>(hosts.stream().map(RenewalPolicy::normalized).toList());
    missing.removeAll(subjectAlternativeNames(leaf));
    if (!missing.isEmpty()) {
      return Decision.renew("the certificate does not cover " + missing.stream().sorted().toList());
    }
    if (bundle.stream().noneMatch(ca -> signedBy(leaf, ca))) {
      return Decision.renew("the certificate is not signed by a CA of the bundle");
    }
    if (!current.keyMatches()) {
      return Decision.renew("the private key does not belong to the certificate");
    }
    return Decision.keep("valid until " + notAfter);
  }

  private static Set<String> subjectAlternativeNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        // Each entry is [type, value]; 2 is a DNS name, 7 an IP address.
        entries.stream().filter(e -> e.size() == 2 && (Integer.valueOf(2).equals(e.get(0))
            || Integer.valueOf(7).equals(e.get(0)))).forEach(e -> names.add(normalized(String.valueOf(e.get(1)))));
      }
    } catch (CertificateParsingException e) {
      // Unreadable names cover nothing: the caller then renews.
      return Set.of();
    }
    return names;
  }

  /** IP addresses in one spelling ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same host). */
  private static String normalized(String host) {
    if (!CertificateIssuer.isIpAddress(host)) {
      return host.toLowerCase(Locale.ROOT);
    }
    try {
      // A literal address is parsed, not looked up.
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      return host;
    }
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
