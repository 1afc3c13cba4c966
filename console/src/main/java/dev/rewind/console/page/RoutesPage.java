package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.console.plot.MinutePlot;
import dev.rewind.console.plot.MinuteSeries;
import dev.rewind.console.recover.ReplaySelectionSpec;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.health.RouteHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The namespace's routes with their delivery health, and the per-minute plot. */
public final class RoutesPage {

  private RoutesPage() {}

  public static String render(String namespace, List<RouteHealth> routes, MinuteSeries minutes, Duration window,
      Duration backlogAge, Instant now) {
    Html h = Layout.start(namespace, "Routes");
    h.raw("<p class=\"legend\">Per minute over the last ").text(window.toHours() + "h")
        .raw(" (UTC): <span class=\"delivered\">delivered ").text(Long.toString(minutes.total(minutes.delivered())))
        .raw("</span>, <span class=\"failed\">failed attempts ").text(Long.toString(minutes.total(minutes.failed())))
        .raw("</span>, <span class=\"dead\">dead ").text(Long.toString(minutes.total(minutes.dead())))
        .raw("</span></p>").raw(MinutePlot.svg(minutes));
    h.raw("<table id=\"routes\"><thead><tr><th>Route</th><th>Healthy</th><th>Reason</th><th>Pending</th>"
        + "<th>Failed</th><th>Dead</th><th>Oldest undelivered</th><th>Last failure</th><th>Delivered (window)</th>"
        + "</tr></thead><tbody>");
    for (RouteHealth r : routes) {
      HealthVerdict v = HealthVerdict.of(r, backlogAge);
      h.raw("<tr").attr("data-route", r.route()).raw("><td>")
          .link(Html.href("events", Map.of("route", r.route())), r.route()).raw("</td>")
          .raw(v.healthy() ? "<td>True</td>" : "<td class=\"unhealthy\">False</td>").el("td", null, v.reason())
          .el("td", "n pending", Long.toString(r.pending() + r.delivering()))
          .raw("<td class=\"n failed\">").link(filter(r.route(), "failed"), Long.toString(r.failed())).raw("</td>")
          .raw("<td class=\"n dead\">").link(filter(r.route(), "dead"), Long.toString(r.dead())).raw("</td>")
          .el("td", null, Layout.time(r.oldestUndelivered()))
          .el("td", null, r.lastFailure() == null ? "" : r.lastFailure().describe())
          .el("td", "n", Long.toString(r.deliveredSince())).raw("</tr>");
    }
    h.raw("</tbody></table>");
    List<String> names = routes.stream().map(RouteHealth::route).limit(32).toList();
    if (!names.isEmpty()) {
      Layout.recover(h, new ReplaySelectionSpec(namespace, names, List.of(), null, null, null, List.of(), null),
          "Every failed and dead event of the namespace's routes.");
    }
    return Layout.end(h, now);
  }

  private static String filter(String route, String state) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("route", route);
    p.put("state", state);
    return Html.href("events", p);
  }
}
