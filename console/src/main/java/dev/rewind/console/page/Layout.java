package dev.rewind.console.page;

import dev.rewind.console.html.Html;
import dev.rewind.console.recover.ReplaySelectionSpec;
import dev.rewind.console.recover.ReplayYaml;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The frame every page shares: the head (the console's own stylesheet, no script), the navigation within the
 * namespace, and the "recover" panel. Links are relative to the page, so the console works under whatever prefix
 * serves it; the navigation names only the namespace the user asked for.
 */
public final class Layout {

  private Layout() {}

  public static Html start(String namespace, String title) {
    return start(namespace, title, 0);
  }

  /** @param refreshSeconds reload the page this often (no script needed); 0 never */
  public static Html start(String namespace, String title, int refreshSeconds) {
    Html h = new Html();
    h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw(refreshSeconds > 0 ? "<meta http-equiv=\"refresh\" content=\"" + refreshSeconds + "\">" : "")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<link rel=\"stylesheet\" href=\"style.css\"><title>").text(title + " · " + namespace + " · Rewind")
        .raw("</title></head><body><header><span class=\"brand\">Rewind</span> <span class=\"ns\" id=\"namespace\">")
        .text(namespace).raw("</span><nav>");
    for (String page : new String[] {"routes", "events", "flow", "replays"}) {
      h.raw(" ").link(page, page);
    }
    h.raw("</nav></header><main><h1>").text(title).raw("</h1>");
    return h;
  }

  /** The recover panel: the dry-run Replay first, then the one that delivers. */
  public static void recover(Html h, ReplaySelectionSpec selection, String note) {
    h.raw("<section class=\"recover\" id=\"recover\"><h2>Recover</h2><p>").text(note)
        .raw(" Apply the dry run first (<code>kubectl apply -f -</code>), check its matched count and sample with"
            + " <code>kubectl get replay</code>, then apply the second. The console itself changes nothing.</p>")
        .raw("<h3>1. Dry run</h3><pre id=\"recover-dry-run\">").text(ReplayYaml.yaml(selection, true))
        .raw("</pre><h3>2. Replay</h3><pre id=\"recover-replay\">").text(ReplayYaml.yaml(selection, false))
        .raw("</pre></section>");
  }

  public static String end(Html h, Instant now) {
    return h.raw("</main><footer>read ").text(now.truncatedTo(ChronoUnit.SECONDS).toString())
        .raw(" · read-only</footer></body></html>").toString();
  }

  public static String time(Instant at) {
    return at == null ? "" : at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A page that says why there is nothing to show; {@code message} names only what the user asked for. */
  public static String message(String namespace, String title, String message, Instant now) {
    Html h = start(namespace, title);
    h.raw("<p class=\"error\" id=\"error\">").text(message).raw("</p>");
    return end(h, now);
  }

  public static final String CSS = """
      body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#fafbfc}
      header{background:#1d232a;color:#fff;padding:.5em 1em}header a{color:#9cd3ff;margin-left:1em}
      .brand{font-weight:bold}.ns{background:#394552;padding:0 .4em;border-radius:3px}
      main{padding:0 1em 2em}table{border-collapse:collapse;margin:.5em 0}
      th,td{border-bottom:1px solid #d8dee4;padding:.25em .6em;text-align:left;vertical-align:top}
      td.n{text-align:right;font-variant-numeric:tabular-nums}
      pre{background:#f0f3f6;padding:.6em;overflow:auto;white-space:pre-wrap;word-break:break-all}
      .recover{border-top:2px solid #d8dee4;margin-top:2em}.error{color:#a40e26;font-weight:bold}
      .plot .axis{stroke:#8c959f}.plot .label{font-size:10px;fill:#57606a}
      .plot .series{fill:none;stroke-width:1.5}.plot .delivered{stroke:#1a7f37}.plot .failed{stroke:#bf8700}
      .plot .dead{stroke:#cf222e}.legend .delivered{color:#1a7f37}.legend .failed{color:#bf8700}
      .legend .dead{color:#cf222e}.state-dead,.unhealthy{color:#cf222e}.state-failed{color:#bf8700}
      .stopped{background:#ffebe9}form label{margin-right:.8em}footer{color:#57606a;padding:1em}
      """;
}
