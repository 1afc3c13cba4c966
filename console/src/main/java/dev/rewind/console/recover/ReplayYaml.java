package dev.rewind.console.recover;

import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Replay a console page's "recover" panel shows: the page's selection as a Replay spec, first as a dry run.
 * Built as the API's own {@link Replay} and written by Fabric8's serializer, so the YAML has exactly the CRD's
 * field names and quoting; the console only shows it, the user applies it with kubectl.
 */
public final class ReplayYaml {

  /** A lastOutcome the Replay CRD accepts (ReplaySpec.LAST_OUTCOME_PATTERN); others are left out, not guessed. */
  private static final Pattern OUTCOME = Pattern.compile(ReplaySpec.LAST_OUTCOME_PATTERN);
  private static final int NAME_ROOM = 63 - "-preview".length() - "-replay".length();

  private ReplayYaml() {}

  /** The Replay for the selection; {@code dryRun} true for the preview. */
  public static Replay replay(ReplaySelectionSpec s, boolean dryRun) {
    ReplaySpec spec = new ReplaySpec();
    if (s.routes().size() == 1) {
      spec.setRouteRef(new LocalObjectReference(s.routes().get(0)));
    } else {
      spec.setRoutes(s.routes());
    }
    if (!s.states().isEmpty()) {
      spec.setStates(s.states());
    }
    if (s.since() != null) {
      spec.setSince(s.since().toString());
    }
    if (s.until() != null) {
      spec.setUntil(s.until().toString());
    }
    if (s.correlationId() != null) {
      spec.setCorrelationIds(List.of(s.correlationId()));
    }
    if (!s.eventIds().isEmpty()) {
      spec.setEventIds(s.eventIds());
    }
    if (s.lastOutcome() != null && OUTCOME.matcher(s.lastOutcome()).matches()) {
      spec.setLastOutcome(List.of(s.lastOutcome()));
    }
    if (dryRun) {
      spec.setDryRun(true);
    }
    Replay replay = new Replay();
    replay.setMetadata(new ObjectMetaBuilder().withName(name(s, dryRun)).withNamespace(s.namespace()).build());
    replay.setSpec(spec);
    return replay;
  }

  public static String yaml(ReplaySelectionSpec s, boolean dryRun) {
    return Serialization.asYaml(replay(s, dryRun));
  }

  /**
   * A valid object name from the first route: lower-case, characters outside {@code [a-z0-9-]} dropped, cut to fit;
   * "-replay-preview" for the dry run, "-replay" for the real one.
   */
  static String name(ReplaySelectionSpec s, boolean dryRun) {
    String base = s.routes().isEmpty() ? "events" : s.routes().get(0).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]", "");
    if (base.length() > NAME_ROOM) {
      base = base.substring(0, NAME_ROOM);
    }
    base = base.replaceAll("^-+|-+$", "");
    if (base.isEmpty()) {
      base = "events";
    }
    return base + "-replay" + (dryRun ? "-preview" : "");
  }
}
