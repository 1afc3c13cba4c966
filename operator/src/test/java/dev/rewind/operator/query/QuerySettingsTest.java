package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.webhook.InjectorConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query API's settings: what its certificate names, and a start without a namespace refused naming the key. */
class QuerySettingsTest {

  private static final QuerySettings.Tls TLS = new QuerySettings.Tls(InjectorConfig.TlsMode.GENERATED,
      "rewind-query-tls", Duration.ofDays(365), Duration.ofDays(30), Duration.ofHours(1), List.of("query.example"),
      "/var/run/rewind/query-tls");

  @Test
  void theCertificateNamesTheServiceInTheOperatorsNamespaceAndTheExtraNames() {
    QuerySettings settings = new QuerySettings("rewind-system", "0.0.0.0", 8445, "rewind-query", null,
        Duration.ofSeconds(10), TLS);

    assertThat(settings.certificateHosts()).containsExactly("rewind-query.rewind-system.svc",
        "rewind-query.rewind-system.svc.cluster.local", "rewind-query.rewind-system", "rewind-query",
        "query.example");
  }

  @Test
  void withoutANamespaceTheStartIsRefusedNamingTheSettingAndTheWayOut() {
    for (String namespace : new String[] {null, " "}) {
      assertThatThrownBy(() -> new QuerySettings(namespace, "0.0.0.0", 8445, "rewind-query", null,
          Duration.ofSeconds(10), TLS)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("rewind.query.namespace: not set")
          .hasMessageContaining("rewind.query.enabled=false");
    }
  }
}
