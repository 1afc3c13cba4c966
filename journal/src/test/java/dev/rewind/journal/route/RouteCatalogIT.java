package dev.rewind.journal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RouteCatalogIT {

  private static TestStore store;
  private static RouteCatalog catalog;

  @BeforeAll
  static void start() {
    store = TestStore.create();
    catalog = new RouteCatalog(store.store.pool());
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Test
  void publishingTheSameRouteTwiceChangesNothingTheSecondTime() {
    ResolvedRoute route = Routes.to("same", "http://b.example.com/", "maxAttempts: 2\n");
    assertThat(catalog.publish(route).await().indefinitely()).isTrue();
    assertThat(catalog.publish(route).await().indefinitely()).isFalse();
    ResolvedRoute loaded = catalog.load("default").await().indefinitely().stream()
        .filter(r -> r.name().equals("same")).findFirst().orElseThrow();
    assertThat(loaded.spec()).isEqualTo(route.spec());
    assertThat(loaded.policySpec()).isEqualTo(route.policySpec());
    assertThat(loaded.policy().maxAttempts()).isEqualTo(2);
  }

  @Test
  void listenersOfTheNamespaceHearEveryChangeAndOthersDoNot() {
    AtomicInteger here = new AtomicInteger();
    AtomicInteger elsewhere = new AtomicInteger();
    PgSubscriber mine = RouteCatalog.listen(store.vertx, store.store.connectOptions(), "default",
        here::incrementAndGet);
    PgSubscriber other = RouteCatalog.listen(store.vertx, store.store.connectOptions(), "team-b",
        elsewhere::incrementAndGet);
    try {
      mine.connect().await().atMost(Duration.ofSeconds(10));
      other.connect().await().atMost(Duration.ofSeconds(10));
      // subscribeHandler fires once on connect: a reload to cover anything missed while disconnected.
      await().atMost(Duration.ofSeconds(5)).until(() -> here.get() >= 1 && elsewhere.get() >= 1);
      int before = here.get();
      int otherBefore = elsewhere.get();

      catalog.publish(Routes.to("heard", "http://c.example.com/", "maxAttempts: 2\n")).await().indefinitely();
      await().atMost(Duration.ofSeconds(2)).until(() -> here.get() > before);
      catalog.unpublish("default", "heard").await().indefinitely();
      await().atMost(Duration.ofSeconds(2)).until(() -> here.get() > before + 1);

      assertThat(elsewhere.get()).isEqualTo(otherBefore);
    } finally {
      mine.close();
      other.close();
    }
  }
}
