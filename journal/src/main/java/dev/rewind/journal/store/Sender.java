package dev.rewind.journal.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A capturing pod as the journal knows it: who sent the events that name it ({@code events.sender_pod}), with the
 * labels it carried when its sidecar last reported them.
 */
public record Sender(String namespace, String pod, String workload, Map<String, String> labels) {

  public Sender {
    // Sorted: the same labels always serialize the same way, and read back in a stable order.
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }
}
