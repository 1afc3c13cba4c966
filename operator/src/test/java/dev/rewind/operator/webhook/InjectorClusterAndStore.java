package dev.rewind.operator.webhook;

import dev.rewind.journal.testing.Processes;

import dev.rewind.operator.runtime.ClusterAndStore;
import dev.rewind.testbed.KubeTestBed;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator application's cluster and store ({@link ClusterAndStore}), plus the injector's keys: an https URL on
 * 127.0.0.1 for the API server to call, a configuration name of its own, and one namespace to inject in (the
 * operator's own namespace is never injected).
 */
public class InjectorClusterAndStore implements QuarkusTestResourceLifecycleManager {

  static String shop;
  static String configurationName;
  private final ClusterAndStore cluster = new ClusterAndStore();

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(cluster.start());
    shop = KubeTestBed.shared().newNamespace("shop");
    configurationName = shop + "-injector";
    int port = Processes.freePort();
    // Explicit, should the operator's own test resource turn the injector off.
    config.put("rewind.injector.enabled", "true");
    config.put("rewind.injector.host", "127.0.0.1");
    config.put("rewind.injector.port", String.valueOf(port));
    config.put("rewind.injector.webhook.url", "https://127.0.0.1:" + port + "/mutate");
    config.put("rewind.injector.webhook.configuration-name", configurationName);
    config.put("rewind.injector.webhook.namespaces", shop);
    return config;
  }

  @Override
  public void stop() {
    KubeTestBed.shared().adminClient().admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(configurationName).delete();
    cluster.stop();
  }

}
