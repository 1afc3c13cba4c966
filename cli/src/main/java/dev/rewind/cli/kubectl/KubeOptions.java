package dev.rewind.cli.kubectl;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import picocli.CommandLine.Option;

/**
 * Which cluster and namespace, as kubectl chooses them: the kubeconfig of {@code --kubeconfig}, else of
 * {@code KUBECONFIG}, else {@code ~/.kube/config}; its current context or {@code --context}; the context's
 * namespace or {@code -n}. The user's own credentials: nothing of Rewind's.
 */
public final class KubeOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "The kubeconfig file. Default: KUBECONFIG, else ~/.kube/config.")
  String kubeconfig;

  @Option(names = "--context", paramLabel = "CONTEXT", description = "The kubeconfig context. Default: the current.")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "The namespace. Default: the context's, else default.")
  String namespace;

  private Config config;

  /** The client configuration these options choose (read once). */
  public synchronized Config config() {
    if (config == null) {
      if (kubeconfig != null) {
        File file = new File(kubeconfig);
        if (!file.isFile()) {
          throw new KubeFailures.Invalid("--kubeconfig: " + kubeconfig + " is not a file");
        }
        config = Config.fromKubeconfig(context, file);
      } else {
        config = Config.autoConfigure(context);
      }
      String algorithm = PrivateKeys.pkcs8Algorithm(config);
      if (algorithm != null) {
        config.setClientKeyAlgo(algorithm);
      }
    }
    return config;
  }

  /** The namespace the command works in. */
  public String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String fromContext = config().getNamespace();
    return fromContext == null || fromContext.isBlank() ? "default" : fromContext;
  }

  /** A new client with the user's credentials; the caller closes it. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }
}
