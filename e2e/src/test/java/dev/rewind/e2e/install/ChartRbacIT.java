package dev.rewind.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rewind.e2e.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The operator's ServiceAccount, as the chart installs it (a real {@code helm install}), may do what the operator
 * does and nothing of what it must not: asked of the real API server's authorizer through SubjectAccessReviews for
 * that ServiceAccount, and shown with real requests made while impersonating it. The chart's rules are also held
 * to the operator's own RBAC files, under which the operator's integration tests run it.
 */
@KubeApiTest
class ChartRbacIT {

  private static final Path OPERATOR_RBAC = Chart.REPO.resolve("operator/src/main/kubernetes/rbac.yaml");
  private static final Path INJECTOR_RBAC = Chart.REPO.resolve("operator/src/main/kubernetes/webhook/rbac.yaml");

  /**
   * The default install, watching every namespace: each line is "allow|deny VERB GROUP/RESOURCE[/SUB][:NAME]
   * WHERE", WHERE being {@code *} (cluster-wide), {@code own} (the release namespace), {@code other} (any other
   * namespace) or a namespace name. Names in braces are this release's.
   */
  private static final List<String> DEFAULT_INSTALL = List.of(
      // Reconciling: informers on the three kinds, everywhere.
      "allow list rewind.dev/routes *",
      "allow watch rewind.dev/routes *",
      "allow get rewind.dev/routes other",
      "allow list rewind.dev/retrypolicies *",
      "allow watch rewind.dev/retrypolicies *",
      "allow list rewind.dev/replays *",
      "allow watch rewind.dev/replays *",
      // Status, and finalizers on the kinds that hold state in the store.
      "allow patch rewind.dev/routes/status other",
      "allow patch rewind.dev/retrypolicies/status other",
      "allow patch rewind.dev/replays/status other",
      "allow patch rewind.dev/routes other",
      "allow update rewind.dev/routes/finalizers other",
      "allow update rewind.dev/replays/finalizers other",
      // It never writes what users own.
      "deny create rewind.dev/routes other",
      "deny delete rewind.dev/routes other",
      "deny update rewind.dev/retrypolicies other",
      "deny delete rewind.dev/replays other",
      // Events; a repeated one is counted on the existing Event (get, patch), never deleted.
      "allow create core/events other",
      "allow get core/events other",
      "allow patch core/events other",
      "deny delete core/events other",
      "deny create events.k8s.io/events other",
      // The EndpointSlices of Services Routes deliver to: read only.
      "allow list discovery.k8s.io/endpointslices *",
      "allow watch discovery.k8s.io/endpointslices *",
      "deny get discovery.k8s.io/endpointslices other",
      "deny create discovery.k8s.io/endpointslices other",
      "deny list core/endpoints other",
      // Flows: read, their status written, and the finalizer that drops a deleted Flow's gauges.
      "allow list rewind.dev/flows other",
      "allow patch rewind.dev/flows/status other",
      "allow patch rewind.dev/flows other",
      "allow update rewind.dev/flows/finalizers other",
      "deny update rewind.dev/flows other",
      "deny update rewind.dev/routes other",
      "deny update rewind.dev/routes/status other",
      "deny get rewind.dev/routes/status other",
      // Leader election: this release's Lease in its own namespace only.
      "allow create coordination.k8s.io/leases own",
      "allow get coordination.k8s.io/leases:{lease} own",
      "allow update coordination.k8s.io/leases:{lease} own",
      "deny get coordination.k8s.io/leases:someone-elses-lease own",
      "deny create coordination.k8s.io/leases other",
      // Its webhook configuration, and no other.
      "allow create admissionregistration.k8s.io/mutatingwebhookconfigurations *",
      "allow get admissionregistration.k8s.io/mutatingwebhookconfigurations:{webhook} *",
      "allow update admissionregistration.k8s.io/mutatingwebhookconfigurations:{webhook} *",
      "deny patch admissionregistration.k8s.io/mutatingwebhookconfigurations:{webhook} *",
      "deny delete admissionregistration.k8s.io/mutatingwebhookconfigurations:{webhook} *",
      "deny get admissionregistration.k8s.io/mutatingwebhookconfigurations:another-webhook *",
      "deny list admissionregistration.k8s.io/mutatingwebhookconfigurations *",
      "deny create admissionregistration.k8s.io/validatingwebhookconfigurations *",
      // The un-injected pod watch: list and watch, nothing else on pods.
      "allow list core/pods *",
      "allow watch core/pods *",
      "deny get core/pods other",
      "deny create core/pods other",
      "deny delete core/pods other",
      "deny create core/pods/exec other",
      "deny get core/pods/log other",
      // Secrets: the generated webhook certificate's Secret in its own namespace, and each namespace's store
      // credentials (operator.tenants): created anywhere (a create has no name yet), read, rotated and deleted
      // only under their one name; nothing more.
      "allow create core/secrets own",
      "allow get core/secrets:{tls} own",
      "allow update core/secrets:{tls} own",
      "deny patch core/secrets:{tls} own",
      "allow create core/secrets other",
      "allow get core/secrets:rewind-store other",
      "allow update core/secrets:rewind-store other",
      "allow delete core/secrets:rewind-store other",
      "deny patch core/secrets:rewind-store other",
      "deny get core/secrets:app-credentials other",
      "deny update core/secrets:app-credentials other",
      "deny delete core/secrets:app-credentials other",
      "deny list core/secrets own",
      "deny watch core/secrets own",
      "deny delete core/secrets:{tls} own",
      "deny get core/secrets other",
      "deny list core/secrets other",
      "deny list core/secrets *",
      // kube-system and cluster administration.
      "deny get core/secrets kube-system",
      "deny list core/secrets kube-system",
      "deny create core/configmaps kube-system",
      "deny patch apps/deployments kube-system",
      "deny create coordination.k8s.io/leases kube-system",
      "deny delete core/pods kube-system",
      "deny create apiextensions.k8s.io/customresourcedefinitions *",
      "deny update apiextensions.k8s.io/customresourcedefinitions:routes.rewind.dev *",
      "deny create rbac.authorization.k8s.io/rolebindings own",
      "deny bind rbac.authorization.k8s.io/clusterroles *",
      "deny escalate rbac.authorization.k8s.io/clusterroles *",
      "deny impersonate core/serviceaccounts *",
      "deny create core/serviceaccounts/token own",
      // The query API: authorize reads (system:auth-delegator), read the front proxy's CA, read Flows, keep its
      // certificate's Secret and its APIService's caBundle; never write anything users own.
      "allow create authorization.k8s.io/subjectaccessreviews *",
      "allow get core/configmaps:extension-apiserver-authentication kube-system",
      "deny get core/configmaps:coredns kube-system",
      "allow get rewind.dev/flows other",
      "deny update rewind.dev/flows other",
      "allow get apiregistration.k8s.io/apiservices:v1alpha1.query.rewind.dev *",
      "allow patch apiregistration.k8s.io/apiservices:v1alpha1.query.rewind.dev *",
      "deny patch apiregistration.k8s.io/apiservices:v1.apps *",
      "deny delete apiregistration.k8s.io/apiservices:v1alpha1.query.rewind.dev *",
      "allow get core/secrets:{queryTls} own",
      "allow update core/secrets:{queryTls} own",
      // Its own reads go through the API it serves, like anyone's: the operator is no reader of journaled events.
      "deny get query.rewind.dev/events/body other");

  /**
   * Watching and injecting only one namespace ("team"), with cert-manager: the reconciling rules and the pod watch
   * are bound in that namespace only, and there is no Secret rule at all.
   */
  private static final List<String> NAMESPACED_CERT_MANAGER_INSTALL = List.of(
      "allow list rewind.dev/routes team",
      "allow watch rewind.dev/replays team",
      "allow patch rewind.dev/routes/status team",
      "deny list rewind.dev/routes *",
      "deny list rewind.dev/routes other",
      "deny patch rewind.dev/routes/status other",
      "allow list core/pods team",
      "allow watch core/pods team",
      "deny list core/pods *",
      "deny list core/pods other",
      "allow create core/events team",
      "allow create coordination.k8s.io/leases own",
      "allow create admissionregistration.k8s.io/mutatingwebhookconfigurations *",
      "deny create core/secrets own",
      "deny get core/secrets:{tls} own",
      "deny get core/secrets:{certManagerTls} own",
      "deny get core/secrets team",
      // Store credentials in the watched namespace only.
      "allow create core/secrets team",
      "allow get core/secrets:rewind-store team",
      "deny get core/secrets:rewind-store own",
      "deny get core/secrets:rewind-store other");

  /** Injector, leader election and tenant credentials off: only what reconciling needs. */
  private static final List<String> MINIMAL_INSTALL = List.of(
      "allow list rewind.dev/routes *",
      "allow patch rewind.dev/routes/status other",
      "deny create coordination.k8s.io/leases own",
      "deny create authorization.k8s.io/subjectaccessreviews *",
      "deny get core/configmaps:extension-apiserver-authentication kube-system",
      "deny create admissionregistration.k8s.io/mutatingwebhookconfigurations *",
      "deny list core/pods *",
      "deny create core/secrets own");

  @Test
  void defaultInstallAllowsWhatTheOperatorDoesAndRefusesTheRest(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    Release release = install(kube, ns);

    assertDecisions(kube, admin, release, DEFAULT_INSTALL, Map.of());
  }

  @Test
  void namespacedCertManagerInstallGrantsOnlyInTheWatchedNamespace(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    Chart.installCertManagerStandIns(admin);
    String team = kube.newNamespace("rewind-team");
    Release release = install(kube, ns, "--set", "operator.watchNamespaces={" + team + "}",
        "--set", "injector.namespaces={" + team + "}", "--set", "injector.tls.mode=cert-manager");

    assertDecisions(kube, admin, release, NAMESPACED_CERT_MANAGER_INSTALL, Map.of("team", team));
    kube.deleteNamespace(team);
  }

  @Test
  void installWithoutInjectorAndLeaderElectionGrantsNeitherTheirRules(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    // Without the query API as well: its generated certificate would need a Secret of its own.
    Release release = install(kube, ns, "--set", "injector.enabled=false",
        "--set", "operator.leaderElection.enabled=false", "--set", "operator.replicas=1",
        "--set", "query.enabled=false", "--set", "operator.tenants.enabled=false");

    assertDecisions(kube, admin, release, MINIMAL_INSTALL, Map.of());
  }

  @Test
  void impersonatedOperatorServiceAccountIsServedOrRefusedForReal(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    Release release = install(kube, ns);
    String other = kube.newNamespace("rewind-other");
    KubernetesClient operator = release.serviceAccount(kube).client();
    // RBAC learns of the release's bindings through a watch: wait until the last of them is in effect.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptionsMatching(ChartRbacIT::forbidden)
        .until(() -> operator.pods().inAnyNamespace().withLabel("rewind.dev/injected").list() != null
            && operator.genericKubernetesResources("rewind.dev/v1alpha1", "Route").inAnyNamespace().list() != null);

    operator.resource(new LeaseBuilder().withNewMetadata().withName(release.lease()).withNamespace(ns).endMetadata()
        .withNewSpec().withHolderIdentity("rewind-operator-0").withLeaseDurationSeconds(15).endSpec().build())
        .create();
    assertThat(admin.leases().inNamespace(ns).withName(release.lease()).get().getSpec().getHolderIdentity())
        .isEqualTo("rewind-operator-0");
    assertForbidden(() -> operator.secrets().inNamespace("kube-system").list());
    assertForbidden(() -> operator.secrets().inAnyNamespace().list());
    assertForbidden(() -> operator.secrets().inNamespace(other).withName("app-credentials").get());
    assertThat(operator.secrets().inNamespace(other).withName("rewind-store").get())
        .as("the store credentials' name may be read (there is none yet)").isNull();
    assertForbidden(() -> operator.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
        .withNewMetadata().withName("rewind-was-here").endMetadata().build()).create());
    assertForbidden(() -> operator.leases().inNamespace(other).resource(new LeaseBuilder().withNewMetadata()
        .withName(release.lease()).endMetadata().build()).create());
    kube.deleteNamespace(other);
  }

  @Test
  void chartGrantsExactlyWhatTheOperatorsRbacFilesGrant(KubeTestBed kube, KubernetesClient admin) {
    // Release "rewind" in rewind-system gives the chart's objects the default names those files use.
    List<HasMetadata> chart = withoutQueryApi(Chart.objects(admin, Chart.render(kube, "rewind", "rewind-system")));
    List<HasMetadata> files = new ArrayList<>(load(admin, OPERATOR_RBAC));
    files.addAll(load(admin, INJECTOR_RBAC));

    Set<String> granted = grants(chart, "rewind-system", "rewind-operator");
    Set<String> expected = grants(files, "rewind-system", "rewind-operator");

    assertThat(granted).isNotEmpty().isEqualTo(expected);
  }

  @Test
  void fullnameOverrideNamesEveryGrantAfterIt(KubeTestBed kube, KubernetesClient admin) {
    List<HasMetadata> chart = withoutQueryApi(Chart.objects(admin, Chart.render(kube, "anything", "rewind-system",
        "--set", "fullnameOverride=rewind")));

    assertThat(grants(chart, "rewind-system", "rewind-operator"))
        .isEqualTo(grants(withoutQueryApi(Chart.objects(admin, Chart.render(kube, "rewind", "rewind-system"))),
            "rewind-system", "rewind-operator"));
  }

  // ------------------------------------------------------------------------------------------------------------

  /** A release installed for real, and the names its RBAC mentions. */
  private record Release(String name, String namespace, String fullname) {
    String serviceAccount() {
      return fullname + "-operator";
    }

    String lease() {
      return fullname + "-operator";
    }

    String webhook() {
      return fullname + "-sidecar-injector";
    }

    KubeUser serviceAccount(KubeTestBed kube) {
      return kube.serviceAccount(namespace, serviceAccount());
    }
  }

  private static Release install(KubeTestBed kube, String ns, String... values) {
    // The CRDs are installed once per test JVM, for every test that needs them (Crds); the chart's copy is the
    // same files (ChartPackageIT), so Helm's CRD step is skipped rather than racing that installation.
    Crds.install(kube.adminClient());
    String name = "rewind-" + ns.substring(ns.lastIndexOf('-') + 1);
    List<String> args = new ArrayList<>(List.of("install", name, Chart.DIR.toString(), "--namespace", ns,
        "--skip-crds"));
    args.addAll(List.of(values));
    kube.run("helm", kube.kubeconfig(), args.toArray(String[]::new)).assertSuccess();
    // No operator runs here to serve it: an APIService left unavailable would make discovery incomplete for every
    // other test of this API server. Its RBAC stays, which is what is checked.
    Chart.removeQueryApiService(kube.adminClient());
    // The release name contains "rewind", so it is the full name as well.
    return new Release(name, ns, name);
  }

  private static void assertDecisions(KubeTestBed kube, KubernetesClient admin, Release release,
      List<String> table, Map<String, String> namespaces) {
    String other = kube.newNamespace("rewind-other");
    Map<String, String> where = new HashMap<>(namespaces);
    where.put("*", "");
    where.put("own", release.namespace());
    where.put("other", other);
    // The first allowed line must become true once the authorizer has seen the bindings; then every line holds.
    String first = table.stream().filter(l -> l.startsWith("allow")).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(20)).until(() -> allowed(admin, release, first, where));
    List<String> wrong = new ArrayList<>();
    for (String line : table) {
      boolean expected = line.startsWith("allow ");
      if (allowed(admin, release, line, where) != expected) {
        wrong.add(line);
      }
    }

    assertThat(wrong).as("decisions for %s that differ from the table", release.serviceAccount()).isEmpty();
    kube.deleteNamespace(other);
  }

  /** Asks the authorizer whether the release's operator ServiceAccount may do what {@code line} says. */
  private static boolean allowed(KubernetesClient admin, Release release, String line, Map<String, String> where) {
    String[] parts = line.split(" ");
    String verb = parts[1];
    String target = parts[2]
        .replace("{lease}", release.lease())
        .replace("{webhook}", release.webhook())
        .replace("{tls}", release.fullname() + "-webhook-tls")
        .replace("{certManagerTls}", release.fullname() + "-sidecar-injector-tls")
        .replace("{queryTls}", release.fullname() + "-query-tls");
    String namespace = where.getOrDefault(parts[3], parts[3]);
    String name = target.contains(":") ? target.substring(target.indexOf(':') + 1) : null;
    String[] path = (name == null ? target : target.substring(0, target.indexOf(':'))).split("/");
    SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
        .withUser("system:serviceaccount:" + release.namespace() + ":" + release.serviceAccount())
        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + release.namespace(), "system:authenticated")
        .withNewResourceAttributes()
        .withVerb(verb)
        .withGroup(path[0].equals("core") ? "" : path[0])
        .withResource(path[1])
        .withSubresource(path.length > 2 ? path[2] : null)
        .withName(name)
        .withNamespace(namespace)
        .endResourceAttributes()
        .endSpec().build();
    return admin.resource(review).create().getStatus().getAllowed();
  }

  /**
   * What the RBAC objects grant {@code serviceAccount} of {@code namespace}, one line per verb, resource and name,
   * with where it applies: cluster-wide through a ClusterRoleBinding, or in a namespace through a RoleBinding.
   * Comparing these lines, not the objects, ignores how rules happen to be grouped or split.
   */
  private static Set<String> grants(List<HasMetadata> objects, String namespace, String serviceAccount) {
    Map<String, List<PolicyRule>> clusterRoles = new HashMap<>();
    Map<String, List<PolicyRule>> roles = new HashMap<>();
    for (HasMetadata object : objects) {
      if (object instanceof ClusterRole role) {
        clusterRoles.put(role.getMetadata().getName(), role.getRules());
      } else if (object instanceof Role role) {
        roles.put(role.getMetadata().getNamespace() + "/" + role.getMetadata().getName(), role.getRules());
      }
    }
    Set<String> grants = new TreeSet<>();
    for (HasMetadata object : objects) {
      List<Subject> subjects;
      RoleRef ref;
      String scope;
      if (object instanceof ClusterRoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
        scope = "cluster";
      } else if (object instanceof RoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
        scope = "namespace " + binding.getMetadata().getNamespace();
      } else {
        continue;
      }
      boolean ours = subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
          && s.getName().equals(serviceAccount) && namespace.equals(s.getNamespace()));
      if (!ours) {
        continue;
      }
      List<PolicyRule> rules = ref.getKind().equals("ClusterRole") ? clusterRoles.get(ref.getName())
          : roles.get(object.getMetadata().getNamespace() + "/" + ref.getName());
      assertThat(rules).as("%s %s refers to a role that exists", object.getKind(), object.getMetadata().getName())
          .isNotNull();
      for (PolicyRule rule : rules) {
        List<String> names = rule.getResourceNames().isEmpty() ? List.of("*") : rule.getResourceNames();
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            for (String name : names) {
              for (String verb : rule.getVerbs()) {
                grants.add(scope + ": " + verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource
                    + (name.equals("*") ? "" : ":" + name));
              }
            }
          }
        }
      }
    }
    return grants;
  }

  /**
   * The chart without the query API's objects: they have no raw-manifest counterpart and bind a built-in role
   * (system:auth-delegator) these static grants cannot resolve; DEFAULT_INSTALL checks what they grant.
   */
  private static List<HasMetadata> withoutQueryApi(List<HasMetadata> objects) {
    return objects.stream().filter(o -> o.getMetadata().getLabels() == null
        || !"query-api".equals(o.getMetadata().getLabels().get("app.kubernetes.io/component"))).toList();
  }

  private static List<HasMetadata> load(KubernetesClient client, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static boolean forbidden(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 403;
  }

  private static void assertForbidden(ThrowingCallable request) {
    assertThatThrownBy(request).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403));
  }
}
