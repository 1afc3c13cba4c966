package dev.rewind.operator.webhook.tls;

import dev.rewind.operator.webhook.ConflictRetry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The generated certificate, kept in a Secret of the operator's namespace so that restarts and every replica serve
 * the same one, and renewed there before it expires.
 *
 * <p>Replicas race safely: each creates the Secret only if it is absent and otherwise adopts what is stored; a
 * renewal is an update against the resourceVersion it read, so of two replicas renewing at once one wins and the
 * other, refused with a conflict, reads the winner's certificate and keeps it.
 */
public final class GeneratedCertificates implements CertificateSource {

  private static final Logger LOG = Logger.getLogger(GeneratedCertificates.class);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final List<String> hosts;
  private final Duration validity;
  private final RenewalPolicy policy;
  private final Clock clock;

  /**
   * @param hosts what the certificate must cover: the webhook Service's DNS names, or the URL's host
   * @param validity of each issued certificate
   */
  public GeneratedCertificates(KubernetesClient client, String namespace, String secretName, List<String> hosts,
      Duration validity, RenewalPolicy policy, Clock clock) {
    if (validity.compareTo(policy.renewBefore()) <= 0) {
      throw new IllegalArgumentException("the certificate validity " + validity
          + " must be longer than the renewal margin " + policy.renewBefore());
    }
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.hosts = List.copyOf(hosts);
    this.validity = validity;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public ServingCertificate current() {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Secret stored = secret().get();
      if (stored == null) {
        ServingCertificate issued = CertificateIssuer.issue(hosts, validity, clock.instant(), "");
        if (ConflictRetry.write(() -> secrets().resource(TlsSecret.of(namespace, secretName, issued)).create())) {
          LOG.infof("Generated the webhook certificate in Secret %s/%s, valid until %s", namespace, secretName,
              issued.notAfter());
          return issued;
        }
        continue;
      }
      Optional<ServingCertificate> current = TlsSecret.read(stored);
      RenewalPolicy.Decision decision = policy.decide(current, hosts, clock.instant());
      if (!decision.renew()) {
        return current.orElseThrow();
      }
      ServingCertificate renewed = CertificateIssuer.issue(hosts, validity, clock.instant(),
          current.map(ServingCertificate::caBundlePem).orElse(""));
      Secret replacement = TlsSecret.of(namespace, secretName, renewed);
      replacement.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      if (ConflictRetry.write(() -> secrets().resource(replacement).update())) {
        LOG.infof("Renewed the webhook certificate in Secret %s/%s (%s); valid until %s", namespace, secretName,
            decision.reason(), renewed.notAfter());
        return renewed;
      }
    }
    throw new IllegalStateException("Secret " + namespace + "/" + secretName + " kept changing under "
        + ATTEMPTS + " attempts to read or renew the webhook certificate");
  }

  @Override
  public boolean providesCaBundle() {
    return true;
  }

  private Resource<Secret> secret() {
    return secrets().withName(secretName);
  }

  private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
    return client.secrets().inNamespace(namespace);
  }

}
