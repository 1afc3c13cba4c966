package dev.rewind.console.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.console.ConsoleResponse;
import dev.rewind.console.testing.Browser;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The standalone console server ({@code rewind console}'s) against a real standalone journal, in a real headless Chromium: the same pages
 * as in a cluster, on 127.0.0.1 only, read-only.
 */
class LoopbackServerIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestStore store;
  private static LoopbackServer server;
  private static Browser browser;
  private static List<UUID> dead;

  @BeforeAll
  static void start() {
    store = TestStore.create();
    JournalSeed.in(store).namespace("shop").route("orders", "http://billing/")
        .state(EventState.DELIVERED, "delivered", 1).age(Duration.ofMinutes(20))
        .completedAgo(Duration.ofMinutes(19)).correlation(i -> "ORD-" + i).append(3);
    dead = JournalSeed.in(store).namespace("shop").route("orders", "http://billing/")
        .state(EventState.DEAD, "503", 3).age(Duration.ofMinutes(10)).completedAgo(Duration.ofMinutes(9))
        .correlation(i -> "LOST-" + i).append(2);
    JournalSeed.in(store).namespace("billing").route("psp", "http://psp/").state(EventState.DEAD, "500", 1)
        .age(Duration.ofMinutes(5)).completedAgo(Duration.ofMinutes(4)).append(1);
    server = LoopbackServer.start(store.store.pool(), 0, "shop");
    browser = Browser.start(Path.of("target", "console-screenshots"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void servesTheNamespacesRoutesAndEventsOnLoopbackOnly() {
    browser.open("http://127.0.0.1:" + server.port() + "/");
    WebElement row = browser.await(By.cssSelector("#routes tr[data-route='orders']"));
    browser.screenshot("standalone-routes");
    assertThat(browser.await(By.id("namespace")).getText()).isEqualTo("shop");
    assertThat(row.findElement(By.cssSelector("td.dead")).getText()).isEqualTo("2");
    assertThat(browser.await(By.id("series-dead")).getAttribute("data-values")).contains("2");

    row.findElement(By.cssSelector("td.dead a")).click();
    List<String> ids = browser.await(By.id("events")).findElements(By.cssSelector("tbody tr")).stream()
        .map(r -> r.getAttribute("data-id")).toList();
    assertThat(ids).containsExactlyInAnyOrderElementsOf(dead.stream().map(UUID::toString).toList());
    browser.screenshot("standalone-events");
    assertThat(server.url("shop")).startsWith("http://127.0.0.1:");
  }

  @Test
  void answersGetOnlyWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("shop"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleResponse.CONTENT_SECURITY_POLICY);
    assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(URI.create(server.url("shop"))).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }
}
