package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.console.recover.ReplaySelectionSpec;
import dev.rewind.journal.flow.FlowProgress;
import dev.rewind.journal.flow.OrderStory;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An order's (correlation id's) story: its events in time order across the hops this namespace journaled, each
 * with its attempts, and where it stopped. Along a Flow (the {@code flow} parameter), the hop it stopped at is
 * marked; hops in other namespaces are named unread, never read.
 */
public final class FlowPage {

  private FlowPage() {}

  public static String form(String namespace, Instant now) {
    Html h = Layout.start(namespace, "Flow");
    searchForm(h, null, null);
    return Layout.end(h, now);
  }

  private static void searchForm(Html h, String correlationId, String flow) {
    h.raw("<form method=\"get\" action=\"flow\"><label>correlationId <input name=\"correlationId\"")
        .attr("value", correlationId == null ? "" : correlationId).raw("></label><label>flow <input name=\"flow\"")
        .attr("value", flow == null ? "" : flow).raw("></label><button type=\"submit\">Show</button></form>");
  }

  public static String render(String namespace, OrderStory story, String flowName, Instant now) {
    Html h = Layout.start(namespace, "Flow");
    searchForm(h, story.correlationId(), flowName);
    h.raw("<p id=\"verdict\">").text(verdict(story)).raw("</p>");
    if (story.flow().isPresent()) {
      h.raw("<ol id=\"hops\">");
      for (int k = 0; k < story.flow().get().hops().size(); k++) {
        var hop = story.flow().get().hops().get(k);
        boolean stoppedHere = stopped(story) && story.progress().map(p -> p.hop()).orElse(-1) == k;
        h.raw("<li").attr("class", stoppedHere ? "stopped" : "").attr("data-hop", Integer.toString(k)).raw(">")
            .text(story.read(k) ? hop.route() + ": " + story.at(k).size() + " events"
                : "hop in another namespace: not read here")
            .raw(stoppedHere ? " ← stopped here" : "").raw("</li>");
      }
      h.raw("</ol>");
    }
    h.raw("<table id=\"story\"><thead><tr><th>Received</th><th>Hop</th><th>Route</th><th>Event</th><th>State</th>"
        + "<th>Attempts</th></tr></thead><tbody>");
    for (OrderStory.Event e : story.events()) {
      h.raw("<tr>").el("td", null, Layout.time(e.event().receivedAt()))
          .el("td", null, e.hop().isPresent() ? Integer.toString(e.hop().getAsInt()) : "")
          .el("td", null, e.event().route()).raw("<td>")
          .link(Html.href("trace", Map.of("id", e.event().id().toString())), e.event().id().toString())
          .raw("</td>").el("td", "state-" + e.event().state().wireName(), e.event().state().wireName())
          .el("td", "n", Integer.toString(e.attempts().size())).raw("</tr>");
    }
    h.raw("</tbody></table>");
    if (!story.truncated().isEmpty()) {
      h.raw("<p>Only the first events of this order are shown.</p>");
    }
    List<String> routes = story.events().stream().map(e -> e.event().route()).distinct().limit(32).toList();
    if (!routes.isEmpty()) {
      Layout.recover(h, new ReplaySelectionSpec(namespace, routes, List.of(), null, null, story.correlationId(),
          List.of(), null), "This order's failed and dead events on these routes.");
    }
    return Layout.end(h, now);
  }

  /**
   * Whether the order certainly stopped: failed at a hop (Rewind's own delivery gave up), or broken after hop k when
   * hop k+1 was read here and never saw it. Broken before a hop in a namespace not read is not known here.
   */
  static boolean stopped(OrderStory story) {
    if (!story.stopped()) {
      return false;
    }
    FlowProgress p = story.progress().get();
    return p.state() == FlowProgress.State.FAILED || story.read(p.hop() + 1);
  }

  static String verdict(OrderStory story) {
    if (story.events().isEmpty()) {
      return "No event of this order is journaled here.";
    }
    if (story.progress().isEmpty()) {
      return story.events().size() + " events; follow it along a Flow (flow=NAME) to see where it stopped.";
    }
    FlowProgress p = story.progress().get();
    if (p.state() == FlowProgress.State.BROKEN && !stopped(story)) {
      return "delivered by hop " + p.hop() + "; the next hop is in another namespace, not read here";
    }
    return switch (p.state()) {
      case COMPLETE -> "complete";
      case IN_FLIGHT -> "in flight at hop " + p.hop();
      case FAILED -> "failed at hop " + p.hop() + " (delivery gave up)";
      case BROKEN -> "broken after hop " + p.hop() + ": hop " + (p.hop() + 1) + " never saw it";
    } + (story.conclusive() || stopped(story) ? "" : " (hops in other namespaces were not read)");
  }
}
