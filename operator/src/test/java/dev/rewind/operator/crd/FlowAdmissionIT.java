package dev.rewind.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Flow's spec as the real API server admits it with the generated CRD: defaults filled in, and each invalid
 * spec refused on its field with a message that says what is wrong (a loop is FlowChecks' to report: a CEL rule over
 * every pair of hops is beyond the API server's cost budget, which the CRD install here proves). Creates are
 * server-side dry runs.
 */
@KubeApiTest
class FlowAdmissionIT {

  private static KubernetesClient admin;
  private static String namespace;

  @BeforeAll
  static void install(KubeTestBed kube, @TestNamespace String ns) {
    admin = kube.adminClient();
    namespace = ns;
    Crds.installed(admin);
  }

  private static Flow flow(String spec) {
    return Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: orders}
        spec:
        %s
        """.formatted(spec.indent(2)), Flow.class);
  }

  private static Flow dryRun(Flow flow) {
    return admin.resources(Flow.class).inNamespace(namespace).resource(flow).dryRun().create();
  }

  @Test
  void aThreeHopFlowAcrossNamespacesIsAdmittedWithItsDefaults() {
    Flow admitted = dryRun(flow("""
        hops:
          - routeRef: {name: erp-to-a}
          - routeRef: {name: a-to-b}
          - routeRef: {name: b-to-partner, namespace: fulfilment}
        """));

    assertThat(admitted.getSpec().getWithin()).isEqualTo("5m");
    assertThat(admitted.getSpec().getLookback()).isEqualTo("24h");
    assertThat(admitted.getSpec().getHops()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      one hop is no flow       | hops: [{routeRef: {name: a}}]                                           | spec.hops   | should have at least 2 items
      within zero              | {hops: [{routeRef: {name: a}}, {routeRef: {name: b}}], within: 0s}       | spec.within | within must be more than 0s and at most 24h
      within in words          | {hops: [{routeRef: {name: a}}, {routeRef: {name: b}}], within: 5 minutes} | spec.within | should match
      within too long          | {hops: [{routeRef: {name: a}}, {routeRef: {name: b}}], within: 25h}      | spec.within | within must be more than 0s and at most 24h
      lookback too long        | {hops: [{routeRef: {name: a}}, {routeRef: {name: b}}], lookback: 721h}   | spec.lookback | lookback must be more than 0s and at most 720h
      a hop without a Route    | hops: [{routeRef: {name: a}}, {}]                                        | spec.hops[1].routeRef | Required value
      a namespace in capitals  | hops: [{routeRef: {name: a}}, {routeRef: {name: b, namespace: Shop}}]    | spec.hops[1].routeRef.namespace | should match
      """)
  void anInvalidSpecIsRefusedOnItsField(String name, String spec, String field, String message) {
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
        () -> dryRun(flow(spec)));

    assertThat(refused).as("%s was admitted", name).isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains(field).contains(message);
  }
}
