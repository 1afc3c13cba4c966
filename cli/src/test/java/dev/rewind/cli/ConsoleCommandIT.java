package dev.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code rewind console} in-process against a real journal: it prints its address and serves the console there. */
class ConsoleCommandIT {

  private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/namespaces/shop/console/routes");

  @Test
  void printsTheAddressOnLoopbackAndServesTheNamespacesRoutes() throws Exception {
    try (TestStore store = TestStore.create()) {
      JournalSeed.in(store).namespace("shop").route("orders", "http://billing/").state(EventState.DEAD, "503", 3)
          .age(Duration.ofMinutes(10)).completedAgo(Duration.ofMinutes(9)).append(2);
      StringWriter out = new StringWriter();
      CommandLine cli = RewindCli.commandLine().setOut(new PrintWriter(out, true))
          .setErr(new PrintWriter(new StringWriter(), true));
      ConsoleCommand console = cli.getSubcommands().get("console").getCommand();
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.execute("console", "--port", "0",
          "-n", "shop", "--store", store.url()));

      await().atMost(Duration.ofSeconds(30)).until(() -> URL.matcher(out.toString()).find() || run.isDone());
      Matcher address = URL.matcher(out.toString());
      assertThat(address.find()).as(out.toString()).isTrue();
      HttpResponse<String> page = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
          .send(HttpRequest.newBuilder(URI.create(address.group())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("data-route=\"orders\"").contains("<td class=\"n dead\"><a");

      console.stop();
      assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }
}
