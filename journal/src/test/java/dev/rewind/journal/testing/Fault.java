package dev.rewind.journal.testing;

import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.route.ResolvedRoute;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;

/**
 * A fault at each stage of the delivery path, shared by the tests of live delivery, takeover and replays: how the
 * faulty route and its surroundings are set up (real destinations that misbehave, real PostgreSQL triggers that
 * refuse writes), and the outcome its attempts must be recorded with.
 *
 * @param finalState the state every faulty event (or replay item) must end in
 */
public record Fault(String stage, String outcome, String finalState) {

  public static final String ONE_TRY = """
      maxAttempts: 1
      timeout: 500ms
      """;
  public static final String TWO_TRIES = """
      maxAttempts: 2
      backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms, jitter: 0}
      timeout: 500ms
      """;

  @Override
  public String toString() {
    return stage;
  }

  public static List<Fault> all() {
    return List.of(
        new Fault("route resolution (secret lookup throws)", "internal-error", "dead"),
        new Fault("signing (secret does not decode)", "config-error", "dead"),
        new Fault("request building (port out of range)", "config-error", "dead"),
        new Fault("request building (host with an underscore)", "config-error", "dead"),
        new Fault("connect (nothing listens)", "connect-failure", "dead"),
        new Fault("send (connection closed)", "connect-failure", "dead"),
        new Fault("response (no answer within the timeout)", "timeout", "dead"),
        new Fault("attempt write (the store refuses the attempt row)", "interrupted", "dead"),
        new Fault("state update (the store refuses it at first)", "delivered", "delivered"));
  }

  /** The signing secrets this fault's workers read: a defective source, or a rotation whose second secret is bad. */
  public SecretSource secrets() {
    if (stage.startsWith("route resolution")) {
      return new SecretSource() {
        @Override
        public String get(String namespace, String name, String key) {
          throw new IllegalStateException("secret lookup defect");
        }

        @Override
        public Uni<String> lookup(String namespace, String name, String key) {
          throw new IllegalStateException("secret lookup defect");
        }
      };
    }
    return (namespace, name, key) -> "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_not*base64";
  }

  /** The faulty route, named {@code bad-<tag>}, with {@code faulty} set to misbehave as this stage needs. */
  public ResolvedRoute route(String tag, HttpSink faulty) {
    Fault fault = this;
    String name = "bad-" + tag;
    return switch (fault.stage()) {
      case "route resolution (secret lookup throws)", "signing (secret does not decode)" -> Routes.one("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: %s}
          spec:
            destination: {url: "%s"}
            eventId: {header: Idempotency-Key}
            signing: {secretRef: {name: hooks, key: current}}
          """.formatted(name, faulty.url("/signed")));
      case "request building (port out of range)" -> withDestination(Routes.to(name, faulty.url("/x"), ONE_TRY),
          "http://127.0.0.1:99999/x");
      case "request building (host with an underscore)" -> withDestination(Routes.to(name, faulty.url("/x"),
          ONE_TRY), "http://service_b.orders:8080/x");
      case "connect (nothing listens)" -> Routes.to(name, "http://127.0.0.1:" + Processes.freePort() + "/x",
          TWO_TRIES);
      case "send (connection closed)" -> {
        faulty.answer(r -> HttpSink.Answer.closeConnection());
        yield Routes.to(name, faulty.url("/x"), TWO_TRIES);
      }
      case "response (no answer within the timeout)" -> {
        faulty.answer(r -> HttpSink.Answer.hang(Duration.ofSeconds(5)));
        yield Routes.to(name, faulty.url("/x"), ONE_TRY);
      }
      case "attempt write (the store refuses the attempt row)" -> Routes.to(name, faulty.url("/poison"), ONE_TRY);
      case "state update (the store refuses it at first)" -> Routes.to(name, faulty.url("/x"), ONE_TRY);
      default -> throw new IllegalArgumentException(fault.stage());
    };
  }

  /**
   * A route whose destination the API would refuse: as if it had been stored before validation existed, or
   * edited in the store. The resolver is bypassed on purpose.
   */
  private static ResolvedRoute withDestination(ResolvedRoute route, String url) {
    route.spec().getDestination().setUrl(url);
    return route;
  }

  /** Real PostgreSQL triggers refusing writes, as a full disk or a broken constraint would. */
  /** Installs the store triggers this fault needs; {@link #removeStoreFaults} drops them. */
  public void installStoreFault(TestStore store, ResolvedRoute bad) {
    Fault fault = this;
    if (fault.stage().startsWith("attempt write")) {
      store.column("""
          CREATE OR REPLACE FUNCTION rewind.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.destination LIKE '%/poison' AND NEW.error_class IS DISTINCT FROM 'interrupted' THEN
              RAISE EXCEPTION 'attempt rows of this destination are refused';
            END IF;
            RETURN NEW;
          END $$""");
      store.column("CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON rewind.attempts FOR EACH ROW"
          + " EXECUTE FUNCTION rewind.refuse_poison()");
    }
    if (fault.stage().startsWith("state update")) {
      // A sequence, because it is not rolled back with the refused statement: the first three writes that
      // deliver an event of the route are refused, whichever batch or single write they come in.
      store.column("CREATE SEQUENCE IF NOT EXISTS rewind.refusals");
      store.column("SELECT setval('rewind.refusals', 1, false)");
      store.column("""
          CREATE OR REPLACE FUNCTION rewind.refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.state = 'delivered' AND NEW.route = '%s' AND nextval('rewind.refusals') <= 3 THEN
              RAISE EXCEPTION 'the store refuses this state update';
            END IF;
            RETURN NEW;
          END $$""".formatted(bad.name()));
      store.column("CREATE TRIGGER refuse_once BEFORE UPDATE ON rewind.events FOR EACH ROW"
          + " EXECUTE FUNCTION rewind.refuse_once()");
    }
  }

  public static void removeStoreFaults(TestStore store) {
    store.column("DROP TRIGGER IF EXISTS refuse_poison ON rewind.attempts");
    store.column("DROP TRIGGER IF EXISTS refuse_once ON rewind.events");
  }
}
