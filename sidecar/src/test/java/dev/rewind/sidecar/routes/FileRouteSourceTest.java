package dev.rewind.sidecar.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.journal.route.RouteTable;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone routes from a ConfigMap volume, updated as the kubelet updates one: the new files written into a new
 * hidden {@code ..<timestamp>} folder, a {@code ..data_tmp} link to it renamed over {@code ..data} (one atomic
 * rename), links made at the top for new keys, the old folder removed. The source must read each route once (not
 * also through the hidden folders) and pick the change up without a restart.
 */
class FileRouteSourceTest {

  private static final String ORDERS = """
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders}
      spec:
        destination: {url: "http://%s.edge.svc:8080/orders"}
        match: {host: orders.edge.svc, pathPrefix: /orders}
      """;
  private static final String REFUNDS = """
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: refunds}
      spec:
        destination: {url: "http://receiver-two.edge.svc:8080/orders"}
        match: {host: refunds.edge.svc, pathPrefix: /refunds}
      """;

  @TempDir
  Path mount;
  private Vertx vertx;
  private FileRouteSource source;
  private final RouteTable table = new RouteTable();
  private final List<Map<String, ResolvedRoute>> replacements = new CopyOnWriteArrayList<>();
  private int updates;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    table.onChange(replacements::add);
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aConfigMapUpdateIsServedWithoutARestart() throws IOException {
    kubeletWrites(Map.of("orders.yaml", ORDERS.formatted("receiver-one")));
    source = new FileRouteSource(mount, "edge", table, new RouteResolver(new AddressPolicy(List.of(), false)),
        vertx, 100, name -> true);
    source.start();
    assertThat(table.names()).containsExactly("orders");
    assertThat(table.get("orders").destination()).isEqualTo("http://receiver-one.edge.svc:8080/orders");

    // kubectl apply of the ConfigMap: one destination changed and one key added, in one update of the volume.
    kubeletWrites(Map.of("orders.yaml", ORDERS.formatted("receiver-two"), "refunds.yaml", REFUNDS));

    await("the update served").atMost(Duration.ofSeconds(30))
        .until(() -> table.names().contains("refunds"));
    assertThat(table.get("orders").destination()).isEqualTo("http://receiver-two.edge.svc:8080/orders");
    assertThat(table.get("refunds").destination()).isEqualTo("http://receiver-two.edge.svc:8080/orders");
    assertThat(source.healthy()).isTrue();
    // Whatever the checks saw while the kubelet was swapping, each reading held the routes once: no "Duplicate
    // value" from the copies in the hidden folders, and nothing but the two routes.
    assertThat(replacements).allSatisfy(r -> assertThat(r.keySet()).isSubsetOf("orders", "refunds"));
  }

  @Test
  void aKeyRemovedFromTheConfigMapStopsBeingServed() throws IOException {
    kubeletWrites(Map.of("orders.yaml", ORDERS.formatted("receiver-one"), "refunds.yaml", REFUNDS));
    source = new FileRouteSource(mount, "edge", table, new RouteResolver(new AddressPolicy(List.of(), false)),
        vertx, 100, name -> true);
    source.start();
    assertThat(table.names()).containsExactlyInAnyOrder("orders", "refunds");

    kubeletWrites(Map.of("orders.yaml", ORDERS.formatted("receiver-one")));

    await("the removed route gone").atMost(Duration.ofSeconds(30))
        .until(() -> !table.names().contains("refunds"));
    assertThat(table.names()).containsExactly("orders");
  }

  /**
   * What the kubelet's AtomicWriter does for a ConfigMap volume (pkg/volume/util/atomic_writer.go): the payload in
   * a new {@code ..<timestamp>} folder, {@code ..data_tmp} pointing at it renamed over {@code ..data}, a link per
   * key at the top ({@code KEY -> ..data/KEY}), links of removed keys deleted, then the old folder.
   */
  private void kubeletWrites(Map<String, String> payload) throws IOException {
    Path data = mount.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? mount.resolve(Files.readSymbolicLink(data)) : null;
    Path fresh = Files.createDirectory(mount.resolve("..2026_12_06_07_00_00." + (++updates)));
    for (Map.Entry<String, String> file : payload.entrySet()) {
      Files.writeString(fresh.resolve(file.getKey()), file.getValue());
    }
    Path tmp = Files.createSymbolicLink(mount.resolve("..data_tmp"), fresh.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : payload.keySet()) {
      Path link = mount.resolve(key);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    try (var top = Files.list(mount)) {
      for (Path p : top.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith("..") && !payload.containsKey(name)) {
          Files.delete(p);
        }
      }
    }
    if (old != null) {
      try (var files = Files.list(old)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(old);
    }
  }
}
