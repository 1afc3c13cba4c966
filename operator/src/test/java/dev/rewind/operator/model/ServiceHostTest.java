package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceHostTest {

  @Test
  void namesTheServiceOfAnInClusterHost() {
    ServiceHost b = new ServiceHost("shop", "service-b");
    assertThat(ServiceHost.of("http://service-b.shop.svc:8080/orders")).contains(b);
    assertThat(ServiceHost.of("https://service-b.shop.svc.cluster.local/orders")).contains(b);
    assertThat(ServiceHost.of("http://Service-B.Shop.svc.cluster.local./x")).contains(b);
    assertThat(ServiceHost.of("http://service-b.shop/orders")).contains(b);
    assertThat(b.holdReason()).isEqualTo("no ready endpoints for Service shop/service-b");
  }

  @Test
  void namesNoServiceOtherwise() {
    assertThat(ServiceHost.of("http://service-b/orders")).isEmpty();
    assertThat(ServiceHost.of("http://10.0.0.1:8080/orders")).isEmpty();
    assertThat(ServiceHost.of("https://api.example.org/hook")).isEmpty();
    assertThat(ServiceHost.of("http://service-b.shop.svc.other.domain/x")).isEmpty();
    assertThat(ServiceHost.of("http://1abc.shop.svc/x")).as("a Service name starts with a letter").isEmpty();
    assertThat(ServiceHost.of("not a url")).isEmpty();
    assertThat(ServiceHost.of(null)).isEmpty();
  }

  @Test
  void heldOnlyWhenSlicesExistAndNoneHasAReadyEndpoint() {
    assertThat(ServiceHost.held(List.of())).as("no slice says nothing").isFalse();
    assertThat(ServiceHost.held(List.of(List.of()))).as("an empty slice: no endpoint at all").isTrue();
    assertThat(ServiceHost.held(List.of(List.of(false, false), List.of(false)))).isTrue();
    assertThat(ServiceHost.held(List.of(List.of(false), List.of(false, true)))).isFalse();
    assertThat(ServiceHost.held(List.of(Arrays.asList((Boolean) null)))).as("unknown counts as ready").isFalse();
  }
}
