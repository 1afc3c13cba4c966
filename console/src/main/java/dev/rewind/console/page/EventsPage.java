package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.console.recover.ReplaySelectionSpec;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The namespace's events with the query API's filters, one page at a time (keyset, like the API's continue). */
public final class EventsPage {

  private EventsPage() {}

  public static String render(String namespace, EventFilters f, EventPage page, List<String> routes, Instant now) {
    Html h = Layout.start(namespace, "Events");
    h.raw("<form method=\"get\" action=\"events\" id=\"filters\">");
    input(h, "route", f.route());
    h.raw("<label>state <select name=\"state\"><option value=\"\">any</option>");
    for (String s : new String[] {"pending", "delivering", "delivered", "failed", "dead"}) {
      h.raw("<option").attr("value", s).raw(f.state() != null && f.state().wireName().equals(s) ? " selected>" : ">")
          .text(s).raw("</option>");
    }
    h.raw("</select></label>");
    input(h, "correlationId", f.correlationId());
    input(h, "lastOutcome", f.lastOutcome());
    input(h, "since", f.since());
    input(h, "until", f.until());
    h.raw("<button type=\"submit\">Filter</button></form>");
    h.raw("<p id=\"shown\">").text(page.events().size() + (page.next() == null ? "" : "+") + " events")
        .raw("</p><table id=\"events\"><thead><tr><th>Id</th><th>Route</th><th>State</th><th>Attempts</th>"
            + "<th>Last outcome</th><th>Correlation id</th><th>Received</th></tr></thead><tbody>");
    for (StoredEvent e : page.events()) {
      h.raw("<tr").attr("data-id", e.id().toString()).raw("><td>")
          .link(Html.href("trace", Map.of("id", e.id().toString())), e.id().toString()).raw("</td>")
          .el("td", null, e.route()).el("td", "state-" + e.state().wireName(), e.state().wireName())
          .el("td", "n", Integer.toString(e.attempts())).el("td", null, e.lastOutcome()).raw("<td class=\"cid\">");
      if (e.correlationId() != null) {
        h.link(Html.href("flow", Map.of("correlationId", e.correlationId())), e.correlationId());
      }
      h.raw("</td>").el("td", null, Layout.time(e.receivedAt())).raw("</tr>");
    }
    h.raw("</tbody></table>");
    if (page.next() != null) {
      Map<String, String> p = new java.util.LinkedHashMap<>(f.params());
      p.put("after", page.next().toString());
      h.raw("<p>").link(Html.href("events", p), "next page").raw("</p>");
    }
    List<String> selected = f.route() != null ? List.of(f.route()) : routes.stream().limit(32).toList();
    if (!selected.isEmpty()) {
      Layout.recover(h, new ReplaySelectionSpec(namespace, selected, f.state() == null ? List.of()
          : List.of(f.state()), f.sinceAt(), f.untilAt(), f.correlationId(), List.of(), f.lastOutcome()),
          "The events this filter selects (without a state filter: failed and dead).");
    }
    return Layout.end(h, now);
  }

  private static void input(Html h, String name, String value) {
    h.raw("<label>").text(name).raw(" <input").attr("name", name).attr("value", value == null ? "" : value)
        .raw("></label>");
  }
}
