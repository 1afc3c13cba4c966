package dev.rewind.operator.events;

import dev.rewind.operator.model.StatusConditions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events about Rewind's objects and the pods it injects, written the way {@code kubectl describe} and
 * event-based alerting expect (involved object with its uid, reporting component and instance, first and last
 * time, a count).
 *
 * <p>Each Event has a name derived from the object's uid and the reason, so whatever happens more than once is one
 * Event whose count grows ({@link #repeated}: "EventsDead (x5 over 3m)"), and what happens once per object is
 * recorded once however many replicas or retries try ({@link #once}). An Event is a courtesy next to the status:
 * one that cannot be written is logged, never thrown.
 */
public final class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final KubernetesClient client;
  private final Clock clock;
  private final String component;
  private final String instance;

  /**
   * @param component the reporting component ({@code rewind-operator})
   * @param instance this replica's name
   */
  public EventRecorder(KubernetesClient client, Clock clock, String component, String instance) {
    this.client = client;
    this.clock = clock;
    this.component = component;
    this.instance = instance;
  }

  /**
   * Records the Event unless one with the same key was already recorded for this object.
   *
   * @return whether this call recorded it (false when it was there already, or could not be written)
   */
  public boolean once(HasMetadata about, String key, String type, String reason, String message) {
    Event event = event(about, key, type, reason, message);
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        LOG.warnf(e, "Could not record the %s Event on %s", reason, describe(about));
      }
      return false;
    }
  }

  /** Records the Event, or, when it was recorded before, counts it once more with this message and time. */
  public void repeated(HasMetadata about, String type, String reason, String message) {
    Event event = event(about, reason, type, reason, message);
    String namespace = event.getMetadata().getNamespace();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        LOG.warnf(e, "Could not record the %s Event on %s", reason, describe(about));
        return;
      }
      again(namespace, event);
    }
  }

  private void again(String namespace, Event event) {
    try {
      client.v1().events().inNamespace(namespace).withName(event.getMetadata().getName()).edit(existing -> {
        existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
        existing.setLastTimestamp(event.getLastTimestamp());
        existing.setMessage(event.getMessage());
        existing.setType(event.getType());
        return existing;
      });
    } catch (KubernetesClientException e) {
      // A concurrent edit (409) or an Event expired in between (404) loses one count, never the status.
      LOG.debugf(e, "Could not count the %s Event again", event.getReason());
    }
  }

  private Event event(HasMetadata about, String key, String type, String reason, String message) {
    String namespace = about.getMetadata().getNamespace();
    String now = StatusConditions.timestamp(clock.instant());
    return new EventBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name(about, key)).endMetadata()
        .withInvolvedObject(reference(about))
        .withType(type).withReason(reason).withMessage(message)
        .withNewSource().withComponent(component).endSource()
        .withReportingComponent(component).withReportingInstance(instance)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
  }

  private static ObjectReference reference(HasMetadata about) {
    // Objects built in code may lack apiVersion and kind; their class knows them.
    String apiVersion = about.getApiVersion() != null ? about.getApiVersion() : HasMetadata.getApiVersion(about.getClass());
    String kind = about.getKind() != null ? about.getKind() : HasMetadata.getKind(about.getClass());
    return new ObjectReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
        .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
        .withUid(about.getMetadata().getUid()).build();
  }

  /**
   * {@code <object>.<key>.<uid prefix>}: one Event per key of one incarnation of the object (a recreated object has
   * a new uid, so its own Events).
   */
  public static String name(HasMetadata about, String key) {
    String name = about.getMetadata().getName();
    String uid = about.getMetadata().getUid() == null ? "" : about.getMetadata().getUid();
    return (name.length() > 200 ? name.substring(0, 200) : name) + "." + key.toLowerCase(Locale.ROOT)
        + "." + (uid.length() > 8 ? uid.substring(0, 8) : uid);
  }

  private static String describe(HasMetadata about) {
    return HasMetadata.getKind(about.getClass()) + " " + about.getMetadata().getNamespace() + "/" + about.getMetadata().getName();
  }
}
