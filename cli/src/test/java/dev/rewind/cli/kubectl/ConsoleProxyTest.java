package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleProxyTest {

  @Test
  void theProxyListensOnLoopbackWithTheUsersKubeconfigAndContext() {
    assertThat(ConsoleProxy.command("kubectl", 0, Optional.of("/tmp/k"), Optional.of("prod")))
        .containsExactly("kubectl", "proxy", "--address=127.0.0.1", "--port=0", "--kubeconfig=/tmp/k",
            "--context=prod");
    assertThat(ConsoleProxy.command("kubectl", 8001, Optional.empty(), Optional.empty()))
        .containsExactly("kubectl", "proxy", "--address=127.0.0.1", "--port=8001");
  }

  @Test
  void thePortComesFromKubectlProxysServingLine() {
    assertThat(ConsoleProxy.port("Starting to serve on 127.0.0.1:40123")).hasValue(40123);
    assertThat(ConsoleProxy.port("W1206 warning")).isEmpty();
  }

  @Test
  void theAddressIsTheNamespacesRoutesPageUnderTheAggregatedApi() {
    assertThat(ConsoleProxy.url(8001, "shop"))
        .isEqualTo("http://127.0.0.1:8001/apis/query.rewind.dev/v1alpha1/namespaces/shop/console/routes");
  }
}
