package dev.rewind.api.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when any document of a set of manifests is invalid; lists every problem found, not only the first. */
public class ManifestException extends RuntimeException {

  private final transient List<Problem> problems;

  public ManifestException(List<Problem> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in Rewind manifests:\n  "
        + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
