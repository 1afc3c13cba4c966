package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.console.recover.ReplaySelectionSpec;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One event and its attempts as a timeline, oldest first. The captured headers and body only for a user who may
 * read bodies (the query API's events/body): they hold personal data and credentials.
 */
public final class TracePage {

  /** The most of a body shown; the API's body subresource has the rest. */
  static final int BODY_SHOWN = 64 * 1024;

  private TracePage() {}

  public static String render(String namespace, EventTrace trace, boolean bodies, Instant now) {
    StoredEvent e = trace.event();
    Html h = Layout.start(namespace, "Trace");
    h.raw("<dl id=\"event\"><dt>Id</dt>").el("dd", null, e.id().toString())
        .raw("<dt>Route</dt><dd>").link(Html.href("events", Map.of("route", e.route())), e.route()).raw("</dd>")
        .raw("<dt>State</dt>").el("dd", "state-" + e.state().wireName(), e.state().wireName())
        .raw("<dt>Source event id</dt>").el("dd", null, e.eventId())
        .raw("<dt>Correlation id</dt><dd id=\"correlation-id\">");
    if (e.correlationId() != null) {
      h.link(Html.href("flow", Map.of("correlationId", e.correlationId())), e.correlationId());
    }
    h.raw("</dd><dt>Type</dt>").el("dd", null, e.eventType()).raw("<dt>Received</dt>")
        .el("dd", null, Layout.time(e.receivedAt())).raw("<dt>Destination</dt>").el("dd", null, e.method() + " " + e.url())
        .raw("</dl><h2>Attempts</h2><ol id=\"attempts\" class=\"timeline\">");
    for (AttemptRecord a : trace.attempts()) {
      h.raw("<li").attr("data-number", Integer.toString(a.number())).raw(">")
          .el("span", "started", Layout.time(a.startedAt())).raw(" ")
          .el("span", "trigger", a.trigger()).raw(" → ")
          .el("span", "outcome", a.statusCode() == null ? a.outcome() : a.statusCode() + " (" + a.outcome() + ")")
          .raw(" in ").el("span", "duration", String.format(Locale.ROOT, "%.1f ms", a.durationMs()));
      if (a.replayName() != null) {
        h.raw(" replay ").el("span", "replay", a.replayName());
      }
      if (a.error() != null) {
        h.raw(" ").el("span", "error", a.error());
      }
      h.raw("</li>");
    }
    h.raw("</ol>");
    if (trace.attempts().isEmpty()) {
      h.raw("<p id=\"no-attempts\">No attempt yet.</p>");
    }
    if (bodies) {
      h.raw("<h2>Captured request</h2><table id=\"headers\"><tbody>");
      for (Header header : e.headers()) {
        h.raw("<tr>").el("th", null, header.name()).el("td", null, header.value()).raw("</tr>");
      }
      byte[] body = e.body();
      String text = new String(body, 0, Math.min(body.length, BODY_SHOWN), StandardCharsets.UTF_8);
      h.raw("</tbody></table><pre id=\"body\">").text(text).raw("</pre>");
    } else {
      h.raw("<p id=\"body-hidden\">Headers and body are shown to those who may read events/body.</p>");
    }
    Layout.recover(h, new ReplaySelectionSpec(namespace, List.of(e.route()), List.of(e.state()), null, null, null,
        List.of(e.eventId()), null), "This event alone.");
    return Layout.end(h, now);
  }
}
