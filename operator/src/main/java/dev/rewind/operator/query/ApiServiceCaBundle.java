package dev.rewind.operator.query;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps the APIService's {@code spec.caBundle} equal to the CA of the generated serving certificate, so that
 * kube-apiserver trusts every replica's server; the chart creates the APIService without it.
 */
final class ApiServiceCaBundle {

  private static final Logger LOG = Logger.getLogger(ApiServiceCaBundle.class);

  private ApiServiceCaBundle() {}

  /** @return whether the APIService now carries {@code caBundlePem}; false when it does not exist */
  static boolean ensure(KubernetesClient client, String name, String caBundlePem) {
    var apiService = client.genericKubernetesResources("apiregistration.k8s.io/v1", "APIService").withName(name);
    GenericKubernetesResource current = apiService.get();
    if (current == null) {
      LOG.debugf("APIService %s does not exist; its caBundle is left to whoever creates it", name);
      return false;
    }
    String wanted = Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII));
    Object spec = current.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> map && wanted.equals(map.get("caBundle"))) {
      return true;
    }
    try {
      apiService.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"caBundle\":\"" + wanted + "\"}}");
      LOG.infof("APIService %s now trusts the query API's generated CA", name);
      return true;
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot set the caBundle of APIService " + name + ": " + e.getMessage(), e);
    }
  }
}
