package dev.rewind.operator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import dev.rewind.operator.webhook.patch.Injection;
import dev.rewind.operator.webhook.patch.PodInjector;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One AdmissionReview in, one answer out, with no server in sight: check the content type, decode, check the kind,
 * let pods that did not ask pass at once, build the patch, answer, count.
 */
public final class AdmissionHandler {

  private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

  /** What to send back: an HTTP status and an AdmissionReview body. */
  public record Answer(int status, String body) {}

  private final PodInjector injector;
  private final InjectionMetrics metrics;

  public AdmissionHandler(PodInjector injector, InjectionMetrics metrics) {
    this.injector = injector;
    this.metrics = metrics;
  }

  public Answer handle(String contentType, byte[] body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return malformed(415, "", "expected Content-Type application/json, got " + contentType);
    }
    AdmissionReviews.Request request;
    try {
      request = AdmissionReviews.read(body);
    } catch (AdmissionReviews.MalformedReview e) {
      return malformed(400, e.uid(), e.getMessage());
    }
    if (!request.isPodCreate()) {
      // Only Pod CREATE is registered; anything else is a misconfiguration to let through, not to block.
      LOG.debugf("Not a Pod CREATE (%s %s/%s), let through", request.operation(), request.group(), request.kind());
      return skipped(request.uid());
    }
    if (!CaptureAnnotations.mentionsCapture(annotations(request))) {
      return skipped(request.uid());
    }
    Pod pod;
    try {
      pod = PodInjector.readPod(request.object());
    } catch (JsonProcessingException e) {
      return malformed(400, request.uid(), "the request object is not a Pod: " + e.getOriginalMessage());
    }
    Injection injection;
    try {
      injection = injector.inject(pod);
    } catch (RuntimeException e) {
      // A bug in building the patch lets the pod through without a sidecar rather than refusing it. Refusing would
      // turn an injector bug into pods that cannot be created — every annotated workload unable to scale, roll or
      // recover — while an uncaptured pod is visible (this warning, the SidecarNotInjected Event, the error count)
      // and is put right by restarting it once the bug is fixed.
      LOG.errorf(e, "Could not build the sidecar patch for pod %s; admitted without the sidecar",
          request.displayName());
      metrics.record(InjectionMetrics.ERROR);
      return new Answer(200, AdmissionReviews.allowed(request.uid(), JsonNodeFactory.instance.arrayNode(),
          List.of("the Rewind sidecar was not injected because of an internal error (see the operator's log); "
              + "the pod runs without capture")));
    }
    metrics.record(injection.outcome());
    log(request, injection);
    return new Answer(200, AdmissionReviews.allowed(request.uid(), injection.patch(), injection.warnings()));
  }

  /** The annotations, read from the raw object: pods that did not ask are let through without decoding them. */
  private static Map<String, String> annotations(AdmissionReviews.Request request) {
    JsonNode node = request.object().path("metadata").path("annotations");
    if (!node.isObject()) {
      return Map.of();
    }
    Map<String, String> annotations = new HashMap<>();
    node.properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return annotations;
  }

  private Answer skipped(String uid) {
    metrics.record(Injection.Outcome.SKIPPED);
    return new Answer(200, AdmissionReviews.allowed(uid, JsonNodeFactory.instance.arrayNode(), List.of()));
  }

  private Answer malformed(int status, String uid, String message) {
    LOG.warnf("Malformed AdmissionReview answered %d: %s", status, message);
    metrics.record(InjectionMetrics.ERROR);
    return new Answer(status, AdmissionReviews.refused(uid, status, message));
  }

  private static void log(AdmissionReviews.Request request, Injection injection) {
    switch (injection.outcome()) {
      case INJECTED -> LOG.infof("Injected the sidecar into pod %s (workload %s)%s", request.displayName(),
          injection.workload(), notes(injection));
      case NOT_INJECTED -> LOG.warnf("Did not inject the sidecar into pod %s%s", request.displayName(),
          notes(injection));
      case SKIPPED -> {
        if (!injection.warnings().isEmpty()) {
          LOG.warnf("Pod %s not injected%s", request.displayName(), notes(injection));
        }
      }
      case ALREADY_INJECTED -> LOG.debugf("Pod %s already has the sidecar", request.displayName());
    }
  }

  private static String notes(Injection injection) {
    return injection.warnings().isEmpty() ? "" : ": " + String.join("; ", injection.warnings());
  }
}
