package dev.rewind.cli;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DirectorySecretSource;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.replay.ReplayEngine;
import dev.rewind.journal.replay.ReplayOptions;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplayRequest;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.journal.store.Uuids;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind replay -f replay.yaml}: runs a Replay from a file against the journal, from this process, to the
 * end. The same engine as the operator's: the matched set is fixed once, attempts are journaled with trigger
 * replay, and running the same file again resumes an interrupted replay (or reports a finished one).
 */
@Command(
    name = "replay",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
        "Re-deliver the events a Replay file selects, from this process, and report how it went.",
        "Running the same file again resumes an interrupted replay; a finished one is only reported (a replay"
            + " runs once: give it a new metadata.name to replay again).",
        "Destinations are checked as the standalone sidecar checks them: rewind.delivery.allow-loopback"
            + " (REWIND_DELIVERY_ALLOW_LOOPBACK, default true) and rewind.delivery.blocked-cidrs"
            + " (REWIND_DELIVERY_BLOCKED_CIDRS) beyond the link-local and metadata ranges always refused."})
final class ReplayCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "The Replay (rewind.dev/v1alpha1), YAML.")
  Path file;

  @Option(names = "--config-dir", defaultValue = "rewind.d", paramLabel = "DIR",
      description = "Routes and RetryPolicies, as the standalone sidecar reads them. Default: ${DEFAULT-VALUE}.")
  Path configDir;

  @Mixin
  StoreOptions store;

  @Option(names = "--secrets-dir", paramLabel = "DIR",
      description = "Signing secrets for routes that sign, laid out <dir>/<secret>/<key>, as the standalone"
          + " sidecar's rewind.secrets-dir. Default: none.")
  Path secretsDir;

  @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Deliver and wait for the end (the default). --no-wait only fixes the matched set (or"
          + " previews a dry run) and returns; the same command resumes it later.")
  boolean waitForEnd;

  @Option(names = "--progress-every", defaultValue = "1s", paramLabel = "DURATION", hidden = true,
      description = "How often progress is printed while waiting. Default: ${DEFAULT-VALUE}.")
  String progressEvery;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration every = DurationOption.parse("--progress-every", progressEvery);
    // The standalone sidecar's address policy and settings: what the file may name is checked before anything is
    // sent, and the deliverer checks every resolved address again when it sends.
    AddressPolicy addresses = DeliverySettings.addressPolicy();
    ReplayFiles.Input input = ReplayFiles.read(file, configDir, store.namespace, addresses, secretsDir);
    input.notes().forEach(note -> err.println("note: " + note));
    err.flush();
    try (StoreSession session = StoreSession.open(store, err)) {
      // Connections per destination up to the most concurrency a Replay may ask for, so its own setting rules.
      HttpDeliverer deliverer = new HttpDeliverer(session.store().vertx().getDelegate(), addresses, 256);
      SecretSource secrets = secretsDir == null ? SecretSource.NONE : new DirectorySecretSource(secretsDir);
      KafkaDeliverer kafka = new KafkaDeliverer(session.store().vertx().getDelegate(), addresses, secrets);
      ReplayEngine engine = new ReplayEngine(session.store(),
          new AttemptRunner(deliverer, kafka, secrets, Clock.systemUTC(), 4096), ReplayOptions.defaults(worker()),
          Clock.systemUTC());
      try {
        UUID id = identify(engine, input, out);
        ReplayRequest request = new ReplayRequest(id, input.namespace(), input.name(), input.replay().getSpec(),
            input.routes(), input.policies(), input.flow());
        ReplayStatusView view = waitForEnd ? follow(engine, request, every, out)
            : engine.prepare(request).await().atMost(Duration.ofMinutes(10));
        Output.summary(out, input.namespace(), input.name(), view);
        if (!waitForEnd && view.phase() == ReplayPhase.Running) {
          out.println("Nothing was delivered (--no-wait); run the same command to deliver the matched set.");
        }
        out.flush();
        return exitCode(view);
      } finally {
        engine.close();
        kafka.close();
        deliverer.close();
      }
    }
  }

  /**
   * The store id of this replay: the file's metadata.uid if it has one; else the replay already recorded under
   * this name (resumed, or reported when it ended) if its spec is the same; else a new id.
   */
  private UUID identify(ReplayEngine engine, ReplayFiles.Input input, PrintWriter out) {
    String uid = input.replay().getMetadata().getUid();
    if (uid != null) {
      try {
        return UUID.fromString(uid);
      } catch (IllegalArgumentException e) {
        throw new Failures.Invalid(input.source() + ": Replay \"" + input.name() + "\": metadata.uid: \"" + uid
            + "\" is not a UUID");
      }
    }
    Optional<ReplayRecord> existing = engine.store().findByName(input.namespace(), input.name())
        .await().atMost(Duration.ofSeconds(30));
    if (existing.isEmpty()) {
      return Uuids.v7(Instant.now());
    }
    ReplayRecord replay = existing.get();
    boolean same = engine.store().hasSpec(replay.id(), input.replay().getSpec()).await().atMost(Duration.ofSeconds(30));
    if (!same) {
      throw new Failures.Invalid(input.source() + ": Replay \"" + input.name() + "\": spec: Replay "
          + Output.replay(input.namespace(), input.name()) + " was already started with a different spec; a Replay is a"
          + " one-shot request: give the new one another metadata.name");
    }
    out.println("Replay " + Output.replay(input.namespace(), input.name()) + " exists (" + replay.phase() + ")"
        + (replay.phase() == ReplayPhase.Running ? "; resuming it" : ""));
    return replay.id();
  }

  /** Starts (or resumes) the replay and waits for its end here, printing progress. */
  private ReplayStatusView follow(ReplayEngine engine, ReplayRequest request, Duration every, PrintWriter out) {
    ReplayStatusView view = engine.start(request).await().atMost(Duration.ofMinutes(10));
    if (view.phase() != ReplayPhase.Running) {
      return view;
    }
    if (view.matched() > 0) {
      out.printf("Replaying %d events%n", view.matched());
      out.flush();
    }
    Thread interrupted = new Thread(() -> {
      // Ctrl-C: stop claiming and let attempts under way be recorded; the replay resumes on the next run.
      engine.stop(Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(15));
      out.println();
      out.println("Interrupted: the replay stays Running; run the same command again to resume it.");
      out.flush();
    }, "rewind-replay-interrupted");
    Runtime.getRuntime().addShutdownHook(interrupted);
    try {
      CompletableFuture<ReplayStatusView> done = engine.finished(request.id()).subscribeAsCompletionStage();
      Progress progress = new Progress(view.delivered() + view.failed());
      while (true) {
        try {
          return done.get(every.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
          engine.status(request.id()).await().atMost(Duration.ofSeconds(30))
              .ifPresent(now -> out.println(progress.line(now)));
          out.flush();
        } catch (ExecutionException e) {
          throw new Failures.StoreFailure("the replay stopped", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Failures.StoreFailure("interrupted while waiting for the replay", e);
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: the JVM is going down and the hook reports the interruption itself.
      }
    }
  }

  /** A progress line with the rate since the previous one. */
  private static final class Progress {
    private long done;
    private long at = System.nanoTime();

    Progress(long done) {
      this.done = done;
    }

    String line(ReplayStatusView view) {
      long now = System.nanoTime();
      long finished = view.delivered() + view.failed();
      double rate = (finished - done) / Math.max(1e-9, (now - at) / 1e9);
      done = finished;
      at = now;
      return String.format(java.util.Locale.ROOT, "%s: delivered %d of %d, failed %d, remaining %d (%.0f events/s)",
          view.phase(), view.delivered(), view.matched(), view.failed(), view.remaining(), rate);
    }
  }

  private static int exitCode(ReplayStatusView view) {
    return switch (view.phase()) {
      case Failed, PartiallyFailed, Cancelled -> ExitCodes.REPLAY_FAILED;
      default -> ExitCodes.OK;
    };
  }

  /** This process, as recorded on every attempt it makes. */
  private static String worker() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return "rewind-cli@" + host + ":" + ProcessHandle.current().pid();
  }
}
