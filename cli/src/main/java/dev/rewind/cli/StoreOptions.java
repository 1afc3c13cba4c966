package dev.rewind.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the journal is and whose events to look at; shared by every command. */
final class StoreOptions {

  @Option(names = "--store", paramLabel = "URL",
      description = "The journal store, postgresql://user@host:port/database (password from"
          + " REWIND_STORE_PASSWORD). Default: the store of the standalone sidecar running here (its URL is in"
          + " .rewind/store.url), else an embedded store on .rewind/pgdata.")
  String url;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NAMESPACE",
      description = "Namespace whose events are read and replayed. Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(names = "--rewind-dir", defaultValue = ".rewind", paramLabel = "DIR", hidden = true,
      description = "Where a standalone sidecar keeps its embedded store. Default: ${DEFAULT-VALUE}.")
  Path rewindDir;
}
