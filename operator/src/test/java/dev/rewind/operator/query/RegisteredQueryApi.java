package dev.rewind.operator.query;

import static org.awaitility.Awaitility.await;

import dev.rewind.operator.webhook.InjectorConfig;
import dev.rewind.testbed.AggregatedApi;
import dev.rewind.testbed.KubeTestBed;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The query API server as the operator runs it (a generated certificate kept in a Secret, for
 * {@code <service>.<namespace>.svc}), over a test journal, registered with the test bed's kube-apiserver as
 * {@code query.rewind.dev/v1alpha1} and available. For the tests that reach it through the aggregation layer.
 */
record RegisteredQueryApi(AggregatedApi api, Vertx vertx, QueryRuntime query) implements AutoCloseable {

  static RegisteredQueryApi start(KubeTestBed kube, String namespace, Pool journal) {
    // kube-apiserver publishes the front proxy's CA once it is up; the server reads it to trust forwarded users.
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.adminClient().configMaps().inNamespace("kube-system")
        .withName(RequestHeaderAuthentication.CONFIG_MAP).get(), c -> c != null && c.getData() != null
        && c.getData().containsKey("requestheader-client-ca-file"));
    AggregatedApi api = kube.aggregatedApi(namespace, "query.rewind.dev", "v1alpha1");
    Vertx vertx = Vertx.vertx();
    QuerySettings settings = new QuerySettings(namespace, api.hostAddress().getHostAddress(), 0, api.serviceName(),
        null, Duration.ofSeconds(10), new QuerySettings.Tls(InjectorConfig.TlsMode.GENERATED, "rewind-query-tls",
            Duration.ofDays(365), Duration.ofDays(30), Duration.ofHours(1), List.of(), "unused"));
    QueryRuntime query = QueryRuntime.start(kube.adminClient(), vertx, settings, journal, Clock.systemUTC());
    api.register(query.port(), query.caBundlePem()).awaitAvailable();
    return new RegisteredQueryApi(api, vertx, query);
  }

  @Override
  public void close() {
    api.close();
    query.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
