package dev.rewind.operator.webhook.patch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * What the injector decided for one pod.
 *
 * @param outcome what happened, also the {@code result} label of the admission counter
 * @param patch the RFC 6902 JSON Patch to return; empty when nothing changes
 * @param warnings for the admission response (shown by kubectl) and the log: bad annotation values, and what was
 *     left as the user had it
 * @param workload the workload name given to the sidecar; null unless injected
 */
public record Injection(Outcome outcome, ArrayNode patch, List<String> warnings, String workload) {

  public Injection {
    warnings = List.copyOf(warnings);
  }

  public enum Outcome {
    /** The sidecar was added. */
    INJECTED("injected"),
    /** The pod did not ask for capture (or said {@code rewind.dev/capture: "false"}). */
    SKIPPED("skipped"),
    /** The pod already has a {@code rewind-sidecar} container (a reinvocation, or a pod spec copied whole). */
    ALREADY_INJECTED("already-injected"),
    /** The pod asked, but the sidecar cannot work in it (its ports are taken, host network); see the warnings. */
    NOT_INJECTED("not-injected");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The metric label value. */
    public String label() {
      return label;
    }
  }

  static Injection unchanged(Outcome outcome, List<String> warnings) {
    return new Injection(outcome, JsonNodeFactory.instance.arrayNode(), warnings, null);
  }
}
