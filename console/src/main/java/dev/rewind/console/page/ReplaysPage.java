package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplayStatusView;
import java.time.Instant;
import java.util.List;

/** The namespace's latest replays with their progress, from the store's replay records. */
public final class ReplaysPage {

  private ReplaysPage() {}

  public static String render(String namespace, List<ReplayRecord> replays, Instant now) {
    Html h = Layout.start(namespace, "Replays", 5);
    h.raw("<table id=\"replays\"><thead><tr><th>Name</th><th>Phase</th><th>Matched</th><th>Delivered</th>"
        + "<th>Failed</th><th>Remaining</th><th>Progress</th><th>Created</th><th>Message</th></tr></thead><tbody>");
    for (ReplayRecord r : replays) {
      ReplayStatusView v = ReplayStatusView.of(r);
      long done = v.delivered() + v.failed();
      h.raw("<tr").attr("data-replay", r.name()).raw(">").el("td", null, r.name()).el("td", "phase", v.phase().name())
          .el("td", "n matched", Long.toString(v.matched())).el("td", "n delivered", Long.toString(v.delivered()))
          .el("td", "n failed", Long.toString(v.failed())).el("td", "n", Long.toString(v.remaining()))
          .raw("<td><progress").attr("max", Long.toString(Math.max(1, v.matched())))
          .attr("value", Long.toString(done)).raw("></progress></td>")
          .el("td", null, Layout.time(r.createdAt())).el("td", null, v.message()).raw("</tr>");
    }
    h.raw("</tbody></table><p>The page reloads every 5 s while open.</p>");
    return Layout.end(h, now);
  }
}
