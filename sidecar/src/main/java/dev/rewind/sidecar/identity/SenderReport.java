package dev.rewind.sidecar.identity;

import dev.rewind.journal.store.Sender;
import dev.rewind.journal.store.Senders;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells the journal who this sidecar captures for — namespace, pod, workload and the pod's labels — so a trace can
 * name the sender of an event with its labels. Sent at start and again at every refresh: the labels file follows
 * the pod's labels while it runs, and the refresh keeps retention from forgetting a pod that is still there.
 */
public final class SenderReport {

  private static final Logger LOG = Logger.getLogger(SenderReport.class);

  private final Senders senders;
  private final String namespace;
  private final String pod;
  private final String workload;
  private final Path labelsFile;

  /** @param labelsFile the downward API labels file, or null when there is none (standalone) */
  public SenderReport(Senders senders, String namespace, String pod, String workload, Path labelsFile) {
    this.senders = senders;
    this.namespace = namespace;
    this.pod = pod;
    this.workload = workload;
    this.labelsFile = labelsFile;
  }

  /** The sender as it is now; a labels file that cannot be read, or lines of it, are logged and left out. */
  public Sender current() {
    return new Sender(namespace, pod, workload, labels());
  }

  /** Records the sender as it is now. */
  public Uni<Void> send() {
    return senders.record(current());
  }

  private Map<String, String> labels() {
    if (labelsFile == null) {
      return Map.of();
    }
    String text;
    try {
      text = Files.readString(labelsFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      LOG.warnf("Pod labels file %s does not exist; events are recorded without the pod's labels", labelsFile);
      return Map.of();
    } catch (IOException e) {
      LOG.warnf("Pod labels file %s cannot be read (%s); events are recorded without the pod's labels",
          labelsFile, e.getMessage());
      return Map.of();
    }
    PodLabels.Parsed parsed = PodLabels.parse(text);
    parsed.problems().forEach(p -> LOG.warnf("Pod labels file %s, %s: label left out", labelsFile, p));
    return parsed.labels();
  }
}
