package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.testbed.CertificateAuthority;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FrontProxyAuthenticatorTest {

  private static final CertificateAuthority FRONT_PROXY_CA = CertificateAuthority.create("front-proxy-ca");
  private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("other-ca");

  private static final Map<String, String> CONFIG_MAP = Map.of(
      "requestheader-client-ca-file", FRONT_PROXY_CA.certificatePem(),
      "requestheader-allowed-names", "[\"front-proxy-client\"]",
      "requestheader-username-headers", "[\"X-Remote-User\"]",
      "requestheader-group-headers", "[\"X-Remote-Group\"]",
      "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]");

  private final FrontProxyAuthenticator authenticator =
      new FrontProxyAuthenticator(RequestHeaderAuthentication.fromConfigMap(CONFIG_MAP));

  private static final Map<String, List<String>> HEADERS = headers(Map.of(
      "X-Remote-User", List.of("dana"),
      "X-Remote-Group", List.of("team-a", "system:authenticated"),
      "X-Remote-Extra-Scopes", List.of("read"),
      "X-Remote-Extra-Acme.com%2Fproject", List.of("p1")));

  private static Map<String, List<String>> headers(Map<String, List<String>> headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.putAll(headers);
    return map;
  }

  private Identity authenticate(List<X509Certificate> chain, Map<String, List<String>> headers) {
    Function<String, List<String>> lookup = name -> headers.getOrDefault(name, List.of());
    return authenticator.authenticate(chain, lookup, headers.keySet(), Instant.now());
  }

  @Test
  void theFrontProxyPassesTheUserOn() {
    Identity who = authenticate(List.of(FRONT_PROXY_CA.issueClientCertificate("front-proxy-client").certificate()),
        HEADERS);
    assertThat(who.user()).isEqualTo("dana");
    assertThat(who.groups()).containsExactly("team-a", "system:authenticated");
    assertThat(who.extra()).isEqualTo(Map.of("scopes", List.of("read"), "acme.com/project", List.of("p1")));
  }

  @Test
  void anyoneElseIsRefused() {
    assertUnauthorized(List.of(), HEADERS, "no client certificate");
    assertUnauthorized(List.of(OTHER_CA.issueClientCertificate("front-proxy-client").certificate()), HEADERS,
        "not signed by the requestheader client CA");
    assertUnauthorized(List.of(FRONT_PROXY_CA.issueClientCertificate("mallory").certificate()), HEADERS,
        "CN=mallory is not an allowed requestheader name");
    assertUnauthorized(List.of(FRONT_PROXY_CA.issueClientCertificate("front-proxy-client").certificate()),
        headers(Map.of("X-Remote-Group", List.of("system:masters"))), "no user in X-Remote-User");
  }

  @Test
  void withoutAllowedNamesAnyCertificateOfTheCaCounts() {
    Map<String, String> data = new TreeMap<>(CONFIG_MAP);
    data.put("requestheader-allowed-names", "[]");
    FrontProxyAuthenticator any = new FrontProxyAuthenticator(RequestHeaderAuthentication.fromConfigMap(data));
    Identity who = any.authenticate(List.of(FRONT_PROXY_CA.issueClientCertificate("aggregator").certificate()),
        name -> HEADERS.getOrDefault(name, List.of()), HEADERS.keySet(), Instant.now());
    assertThat(who.user()).isEqualTo("dana");
  }

  @Test
  void theConfigMapMustHaveTheCa() {
    assertThatThrownBy(() -> RequestHeaderAuthentication.fromConfigMap(Map.of()))
        .hasMessageContaining("requestheader-client-ca-file");
    Map<String, String> data = new TreeMap<>(CONFIG_MAP);
    data.put("requestheader-username-headers", "not json");
    assertThatThrownBy(() -> RequestHeaderAuthentication.fromConfigMap(data))
        .hasMessageContaining("requestheader-username-headers");
    assertThat(RequestHeaderAuthentication.fromConfigMap(CONFIG_MAP).allowedNames())
        .isEqualTo(Set.of("front-proxy-client"));
  }

  private void assertUnauthorized(List<X509Certificate> chain, Map<String, List<String>> headers, String message) {
    assertThatThrownBy(() -> authenticate(chain, headers)).isInstanceOfSatisfying(QueryException.class, e -> {
      assertThat(e.code()).isEqualTo(401);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
