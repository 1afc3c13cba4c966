package dev.rewind.operator.query;

import java.util.List;
import java.util.Map;

/** The user kube-apiserver authenticated, as it passed it on in the request headers. */
public record Identity(String user, List<String> groups, Map<String, List<String>> extra) {

  public Identity {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }
}
