package dev.rewind.sidecar.routes;

import dev.rewind.api.manifest.ManifestException;
import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.manifest.Problem;
import dev.rewind.api.manifest.Violation;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.journal.route.RouteTable;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Standalone routes: the Route and RetryPolicy YAML files of a directory, validated against the CRDs and resolved
 * like the operator resolves them. At start an invalid file stops the sidecar (with every problem listed); later
 * edits are picked up within the check interval, and an invalid edit is logged and ignored, keeping the routes
 * that work. The directory's Flows of this namespace are kept too, for the admin API's order stories.
 */
public final class FileRouteSource implements RouteSource {

  private static final Logger LOG = Logger.getLogger(FileRouteSource.class);

  private final Path dir;
  private final String namespace;
  private final RouteTable table;
  private final RouteResolver resolver;
  private final Vertx vertx;
  private final long checkMillis;
  private final java.util.function.Predicate<String> served;
  private String digest = "";
  private volatile Map<String, FlowHops> flows = Map.of();
  private volatile boolean healthy;
  private long timer = -1;

  public FileRouteSource(Path dir, String namespace, RouteTable table, RouteResolver resolver, Vertx vertx,
      long checkMillis, java.util.function.Predicate<String> served) {
    this.served = served;
    this.dir = dir;
    this.namespace = namespace;
    this.table = table;
    this.resolver = resolver;
    this.vertx = vertx;
    this.checkMillis = checkMillis;
  }

  @Override
  public void start() {
    digest = digest();
    apply(load());
    healthy = true;
    LOG.infof("Serving %d routes from %s: %s", table.names().size(), dir, table.names());
    timer = vertx.setPeriodic(checkMillis, id -> vertx.executeBlocking(() -> {
      reloadIfChanged();
      return null;
    }, false));
  }

  private void reloadIfChanged() {
    String now = digest();
    if (now.equals(digest)) {
      return;
    }
    digest = now;
    try {
      apply(load());
      healthy = true;
      LOG.infof("Reloaded routes from %s: %s", dir, table.names());
    } catch (ManifestException e) {
      LOG.errorf("Ignoring the changed route files; still serving %s. %s", table.names(), e.getMessage());
    }
  }

  /** What the files hold for this namespace: its routes, resolved, and its Flows by name. */
  record Loaded(Map<String, ResolvedRoute> routes, Map<String, FlowHops> flows) {}

  private void apply(Loaded loaded) {
    table.replace(loaded.routes());
    flows = loaded.flows();
  }

  /** Reads, validates and resolves every file; all or nothing. */
  Loaded load() {
    Manifests manifests = new ManifestReader(namespace).read(dir);
    Map<String, FlowHops> flowsHere = new HashMap<>();
    for (Flow flow : manifests.flows()) {
      if (namespace.equals(flow.getMetadata().getNamespace())) {
        flowsHere.put(flow.getMetadata().getName(), FlowHops.of(flow));
      }
    }
    Map<String, RetryPolicy> policies = new HashMap<>();
    for (RetryPolicy p : manifests.retryPolicies()) {
      if (namespace.equals(p.getMetadata().getNamespace())) {
        policies.put(p.getMetadata().getName(), p);
      }
    }
    Map<String, ResolvedRoute> routes = new HashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (Route route : manifests.routes()) {
      if (!namespace.equals(route.getMetadata().getNamespace()) || !served.test(route.getMetadata().getName())) {
        continue;
      }
      RouteResolver.Result result = resolver.resolve(route, policies);
      if (result.ok()) {
        routes.put(route.getMetadata().getName(), result.route());
      } else {
        String field = result.reason() == RouteResolver.Reason.RetryPolicyNotFound
            || result.reason() == RouteResolver.Reason.InvalidRetryPolicy
            ? "spec.retryPolicyRef.name" : "spec.destination.url";
        problems.add(new Problem(manifests.sourceOf(route), 0, "Route \"" + route.getMetadata().getName() + "\"",
            new Violation(field, result.reason() + ": " + result.message())));
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Loaded(routes, Map.copyOf(flowsHere));
  }

  private String digest() {
    if (!Files.isDirectory(dir)) {
      return "missing";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // The files the reader reads: a ConfigMap update swaps the hidden folder and so changes what they hold.
      for (Path f : ManifestReader.files(dir)) {
        sha.update(f.toString().getBytes());
        sha.update(Files.readAllBytes(f));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<FlowHops> flow(String name) {
    return Optional.ofNullable(flows.get(name));
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  @Override
  public void close() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }
}
