package dev.rewind.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.console.page.EventFilters;
import dev.rewind.console.read.ConsoleReads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the console answers before it reads the store: methods, pages, access, input. */
class ConsoleTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  /** No store: none of these answers may read one (a read would fail on the missing pool). */
  private static final Console CONSOLE = new Console(new ConsoleReads(null), Console.Flows.NONE,
      Duration.ofSeconds(1), Clock.fixed(NOW, ZoneOffset.UTC));
  private static final ConsoleAccess NOBODY = new ConsoleAccess() {
    @Override
    public boolean mayRead(String namespace) {
      return false;
    }

    @Override
    public boolean mayReadBodies(String namespace) {
      return false;
    }
  };

  private static ConsoleResponse get(String method, String page, Map<String, List<String>> query,
      ConsoleAccess access) {
    return CONSOLE.handle(new ConsoleRequest(method, "shop", page, query), access);
  }

  private static String body(ConsoleResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void onlyGetAndHeadAreAnsweredEverythingElseIs405WithTheSecurityHeaders() {
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
      ConsoleResponse r = get(method, "routes", Map.of(), ConsoleAccess.ALL);
      assertThat(r.status()).as(method).isEqualTo(405);
      assertThat(r.headers()).containsEntry("Allow", "GET, HEAD")
          .containsEntry("Content-Security-Policy", ConsoleResponse.CONTENT_SECURITY_POLICY)
          .containsEntry("X-Content-Type-Options", "nosniff");
    }
  }

  @Test
  void aUserWhoMayNotListEventsGets403NamingOnlyTheNamespaceAsked() {
    ConsoleResponse r = get("GET", "events", Map.of(), NOBODY);
    assertThat(r.status()).isEqualTo(403);
    assertThat(body(r)).contains("namespace shop").doesNotContain("<script");
  }

  @Test
  void unknownPagesAre404AndTheBarePathSendsTheBrowserInsideSoRelativeLinksWork() {
    assertThat(get("GET", "<x>", Map.of(), ConsoleAccess.ALL).status()).isEqualTo(404);
    assertThat(body(get("GET", "<x>", Map.of(), ConsoleAccess.ALL))).contains("&lt;x&gt;").doesNotContain("<x>");
    ConsoleResponse bare = get("GET", null, Map.of(), ConsoleAccess.ALL);
    assertThat(bare.status()).isEqualTo(200);
    assertThat(body(bare)).contains("<meta http-equiv=\"refresh\" content=\"0; url=console/routes\">")
        .contains("href=\"console/routes\"");
    assertThat(get("GET", "style.css", Map.of(), NOBODY).contentType()).startsWith("text/css");
  }

  @Test
  void badFiltersAre400NamingTheParameter() {
    ConsoleResponse state = get("GET", "events", Map.of("state", List.of("<b>")), ConsoleAccess.ALL);
    assertThat(state.status()).isEqualTo(400);
    assertThat(body(state)).contains("state must be one of");
    assertThat(body(get("GET", "events", Map.of("since", List.of("yesterday")), ConsoleAccess.ALL)))
        .contains("since must be");
    assertThat(get("GET", "events", Map.of("after", List.of("x")), ConsoleAccess.ALL).status()).isEqualTo(400);
    assertThat(get("GET", "trace", Map.of("id", List.of("not-a-uuid")), ConsoleAccess.ALL).status())
        .isEqualTo(404);
  }

  @Test
  void filtersResolveDurationsAgainstNowAndKeepWhatWasTyped() {
    EventFilters f = Console.filters(new ConsoleRequest("GET", "shop", "events", Map.of("route", List.of(" a "),
        "state", List.of("dead"), "since", List.of("2h"), "until", List.of("2026-12-06T11:30:00Z"))), NOW);
    assertThat(f.route()).isEqualTo("a");
    assertThat(f.state()).isEqualTo(EventState.DEAD);
    assertThat(f.since()).isEqualTo("2h");
    assertThat(f.sinceAt()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(f.untilAt()).isEqualTo(Instant.parse("2026-12-06T11:30:00Z"));
    assertThat(f.params()).containsEntry("state", "dead").containsEntry("since", "2h");
  }
}
