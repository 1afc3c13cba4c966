package dev.rewind.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.testbed.OneNodeCluster;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Rewind installed with helm on the one-node cluster (tools/cluster/up.sh), as the node ITs share it: the images
 * tools/images/build.sh made imported, the chart with its bundled PostgreSQL, the store's Secret in the namespaces
 * given, and what a test needs to look at it (pods, Events, the journal) or to understand a failed run.
 */
final class OneNodeRewind implements AutoCloseable {

  static final String SYSTEM = "rewind-system";
  static final String RELEASE = "rewind";
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path OUTPUT = Path.of("target", "one-node").toAbsolutePath();
  static final Duration POLL = Duration.ofMillis(500);
  /** The names tools/images/build.sh gives its images (NAME.ref next to each archive). */
  private static final List<String> IMAGES = List.of("operator", "sidecar", "postgresql", "example-apps");

  final OneNodeCluster cluster;
  final KubernetesClient admin;
  private final List<String> namespaces;

  private OneNodeRewind(OneNodeCluster cluster, List<String> namespaces) {
    this.cluster = cluster;
    this.admin = cluster.adminClient();
    this.namespaces = namespaces;
  }

  /**
   * Starts the cluster and installs the chart; {@code namespaces} exist before it (Pod Security
   * {@code restricted}), and the chart creates the store's Secret in each of {@code withSecret}.
   */
  static OneNodeRewind install(List<String> namespaces, List<String> withSecret) throws IOException {
    Files.createDirectories(OUTPUT);
    OneNodeRewind rewind = new OneNodeRewind(OneNodeCluster.start(), namespaces);
    try {
      rewind.installChart(rewind.importImages(IMAGES), withSecret);
    } catch (IOException | RuntimeException | Error e) {
      rewind.close();
      throw e;
    }
    return rewind;
  }

  /**
   * Starts the cluster without the chart: only {@code images} imported (names as tools/images/build.sh gives them)
   * and {@code namespaces} made (Pod Security {@code restricted}), for a test that deploys a sidecar itself.
   */
  static OneNodeRewind withoutChart(List<String> namespaces, List<String> images) throws IOException {
    Files.createDirectories(OUTPUT);
    OneNodeRewind rewind = new OneNodeRewind(OneNodeCluster.start(), namespaces);
    try {
      rewind.importImages(images);
      rewind.restrictedNamespaces();
    } catch (IOException | RuntimeException | Error e) {
      rewind.close();
      throw e;
    }
    return rewind;
  }

  /** Imports the archives of tools/images/build.sh; image name to the reference it carries. */
  private Map<String, String> importImages(List<String> names) throws IOException {
    Map<String, String> images = new HashMap<>();
    for (String image : names) {
      Path archive = cluster.imageArchives().resolve(image + ".tar");
      assertThat(archive).as("tools/images/build.sh %s", image).isRegularFile();
      cluster.importImage(archive);
      images.put(image, Files.readString(archive.resolveSibling(image + ".ref")).trim());
    }
    return images;
  }

  private void restrictedNamespaces() {
    for (String namespace : namespaces) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted",
              "pod-security.kubernetes.io/warn", "restricted"))
          .endMetadata().build()).serverSideApply();
    }
  }

  private void installChart(Map<String, String> images, List<String> withSecret) throws IOException {
    restrictedNamespaces();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM).endMetadata().build())
        .serverSideApply();
    storeVolume();

    List<String> args = new ArrayList<>(List.of("install", RELEASE, REPO.resolve("charts/rewind").toString(),
        "--namespace", SYSTEM, "--wait", "--timeout", "5m",
        "--set", "operator.replicas=1",
        "--set", "postgresql.enabled=true",
        "--set", "injector.sidecar.storeSecret.namespaces={" + String.join(",", withSecret) + "}"));
    image(args, "operator.image", images.get("operator"));
    image(args, "injector.sidecar.image", images.get("sidecar"));
    image(args, "postgresql.image", images.get("postgresql"));
    ToolResult install = cluster.tool(Duration.ofMinutes(6), "helm", args.toArray(String[]::new));
    if (!install.succeeded()) {
      dump("install");
    }
    install.assertSuccess();
  }

  private static void image(List<String> args, String key, String reference) {
    int colon = reference.lastIndexOf(':');
    args.addAll(List.of("--set", key + ".repository=" + reference.substring(0, colon),
        "--set", key + ".tag=" + reference.substring(colon + 1), "--set", key + ".pullPolicy=Never"));
  }

  /**
   * The bundled PostgreSQL's claim needs a volume and the node has no provisioner: a hostPath volume in the
   * cluster's folder (down.sh removes it), owned by the chart's PostgreSQL user.
   */
  private void storeVolume() throws IOException {
    Path dir = Files.createDirectories(cluster.directory().resolve("volumes/store"));
    try {
      Process chown = new ProcessBuilder("chown", "999:999", dir.toString()).inheritIO().start();
      assertThat(chown.waitFor()).as("chown 999:999 " + dir).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("rewind-store-0")
        .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity("8Gi")))
        .withAccessModes("ReadWriteOnce").withPersistentVolumeReclaimPolicy("Retain")
        .withNewHostPath().withPath(dir.toString()).withType("Directory").endHostPath().endSpec().build())
        .serverSideApply();
  }

  /**
   * Starts kubectl with the cluster's admin kubeconfig and returns at once, for a command that runs while the test
   * does something else (a sender under load); its stderr goes to target/one-node/NAME.err.
   */
  Process kubectlInBackground(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(cluster.binDir().resolve("kubectl").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.to(OUTPUT.resolve(name + ".err").toFile()));
    builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  /**
   * ctr against the node's containerd (namespace k8s.io, where the kubelet's containers are), for what the
   * Kubernetes API cannot do to a container, such as killing its process outright.
   */
  ToolResult ctr(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ctr", "--address",
        cluster.directory().resolve("containerd/containerd.sock").toString(), "--namespace", "k8s.io"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("rewind-ctr-", ".out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(1, java.util.concurrent.TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("ctr " + String.join(" ", args) + " did not finish within a minute");
      }
      String output = Files.readString(out);
      return new ToolResult(process.exitValue(), output, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The id containerd knows a container of the pod by (its status's containerID without "containerd://"). */
  static String containerId(Pod pod, String container) {
    List<io.fabric8.kubernetes.api.model.ContainerStatus> all = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      all.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      all.addAll(pod.getStatus().getContainerStatuses());
    }
    return all.stream().filter(s -> s.getName().equals(container) && s.getContainerID() != null)
        .map(s -> s.getContainerID().substring(s.getContainerID().indexOf("://") + 3)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + container + " running in " + pod.getMetadata()
            .getName()));
  }

  /**
   * Service B's ledger ({@code GET /admin/orders?keys=all} in its pod): received, duplicates, and every key it
   * received, as the JSON it answers.
   */
  String ledger(String namespace) {
    return cluster.kubectl("-n", namespace, "exec", "deploy/service-b", "--", "python3", "-c",
        "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:8080/admin/orders?keys=all')"
            + ".read().decode())").assertSuccess().stdout();
  }

  static String resource(String name) {
    return REPO.resolve("e2e/src/test/resources/one-node").resolve(name).toString();
  }

  /** The pods with this label that are not being deleted. */
  List<Pod> pods(String namespace, String label, String value) {
    return admin.pods().inNamespace(namespace).withLabel(label, value).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** The Events of the namespace about the object with this kind and name. */
  List<Event> events(String namespace, String kind, String name) {
    return admin.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static Instant last(Event e) {
    String at = e.getLastTimestamp() != null ? e.getLastTimestamp()
        : e.getEventTime() != null ? e.getEventTime().getTime() : e.getMetadata().getCreationTimestamp();
    return Instant.parse(at);
  }

  static String describe(Event e) {
    return last(e) + " " + e.getType() + " " + e.getReason() + ": " + e.getMessage();
  }

  /** event id to state, of the namespace's events in the journal (psql in the bundled PostgreSQL's pod). */
  Map<String, String> journal(String namespace) {
    Map<String, String> states = new TreeMap<>();
    psql("SELECT event_id || '|' || state FROM rewind.events WHERE namespace = '" + namespace + "'").lines()
        .filter(l -> l.contains("|")).forEach(l -> states.put(l.substring(0, l.indexOf('|')),
            l.substring(l.indexOf('|') + 1)));
    return states;
  }

  String journalTable(String namespace) {
    return psql("SELECT event_id, state, attempts, last_outcome FROM rewind.events WHERE namespace = '" + namespace
        + "' ORDER BY event_id");
  }

  /** What psql printed, or "" when it failed (the store down, or not there yet). */
  String psql(String sql) {
    ToolResult result = cluster.kubectl("-n", SYSTEM, "exec", "rewind-postgresql-0", "--", "psql", "-U", "rewind",
        "-d", "rewind", "-At", "-c", sql);
    return result.succeeded() ? result.stdout() : "";
  }

  /**
   * {@code kubectl rewind ARGS} as on-call runs it: the cluster's kubectl with the repository's {@code bin/} first
   * on PATH, so kubectl finds the plugin ({@code bin/kubectl-rewind}) itself; the admin kubeconfig.
   */
  ToolResult kubectlRewind(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(cluster.binDir().resolve("kubectl").toString(), "rewind"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubectl-rewind-", ".out");
      Path err = Files.createTempFile("kubectl-rewind-", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        builder.environment().put("PATH", REPO.resolve("bin") + File.pathSeparator
            + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError("kubectl rewind " + String.join(" ", args) + " still running after " + timeout
              + "; output so far:\n" + Files.readString(out) + Files.readString(err));
        }
        return new ToolResult(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kubectl rewind", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running kubectl rewind", e);
    }
  }

  static String pythonList(List<String> values) {
    return "[" + String.join(",", values.stream().map(v -> "'" + v + "'").toList()) + "]";
  }

  /** What a failed run needs to be understood, into target/one-node/cluster-WHEN.txt. */
  void dump(String when) {
    try {
      List<String[]> commands = new ArrayList<>();
      for (String namespace : namespaces) {
        commands.add(new String[] {"get", "pods,routes,replays", "-n", namespace, "-o", "wide"});
        commands.add(new String[] {"-n", namespace, "logs", "-l", "app.kubernetes.io/name", "--all-containers",
            "--prefix", "--tail=100"});
      }
      commands.add(new String[] {"get", "pods", "-n", SYSTEM, "-o", "wide"});
      commands.add(new String[] {"get", "events", "-A", "--field-selector", "type=Warning"});
      commands.add(new String[] {"-n", SYSTEM, "logs", "deploy/rewind-operator", "--tail=200"});
      commands.add(new String[] {"-n", SYSTEM, "logs", "rewind-postgresql-0", "--tail=50"});
      StringBuilder out = new StringBuilder();
      for (String[] command : commands) {
        ToolResult r = cluster.kubectl(command);
        out.append("$ kubectl ").append(String.join(" ", Arrays.asList(command))).append('\n')
            .append(r.stdout()).append(r.stderr()).append('\n');
      }
      Files.writeString(OUTPUT.resolve("cluster-" + when + ".txt"), out.toString());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not dump the cluster's state: " + e);
    }
  }

  /** Dumps the cluster's state into target/one-node/cluster-end.txt, then takes the cluster down. */
  @Override
  public void close() {
    try {
      dump("end");
    } finally {
      cluster.close();
    }
  }
}
