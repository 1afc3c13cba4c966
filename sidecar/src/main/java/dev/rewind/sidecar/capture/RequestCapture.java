package dev.rewind.sidecar.capture;

import dev.rewind.api.v1alpha1.route.spec.Mode;
import dev.rewind.api.v1alpha1.route.spec.OnStoreUnavailable;
import dev.rewind.journal.capture.CaptureMetrics;
import dev.rewind.journal.capture.CapturePipeline;
import dev.rewind.journal.capture.CaptureRefused;
import dev.rewind.journal.capture.EventAttributes;
import dev.rewind.journal.capture.HopByHop;
import dev.rewind.journal.capture.StoreUnavailable;
import dev.rewind.journal.capture.Urls;
import dev.rewind.journal.delivery.AttemptResult;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.OutboundRequest;
import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.Uuids;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns one request for a Route into a journaled event and answers the application: 202 once committed
 * (storeAndForward), or the destination's own answer (passthrough). Shared by the explicit capture API and the
 * forward proxy, so both ways in behave the same.
 */
public final class RequestCapture {

  private static final Logger LOG = Logger.getLogger(RequestCapture.class);
  /** A sender that got 503 should come back soon: the store is usually back within seconds. */
  static final String RETRY_AFTER_SECONDS = "1";
  /** Sent back by a sender retrying a capture that was answered 503, with the id that answer gave. */
  public static final String CAPTURE_ID_HEADER = "Rewind-Capture-Id";

  private final CapturePipeline pipeline;
  private final HttpDeliverer direct;
  private final CaptureMetrics metrics;
  private final Identity identity;
  private final int maxBodySize;

  public RequestCapture(CapturePipeline pipeline, HttpDeliverer direct, CaptureMetrics metrics, Identity identity,
      int maxBodySize) {
    this.pipeline = pipeline;
    this.direct = direct;
    this.metrics = metrics;
    this.identity = identity;
    this.maxBodySize = maxBodySize;
  }

  /** Reads the body (bounded), journals, and answers. {@code suffix} is the path after the route's prefix. */
  public void capture(HttpServerRequest request, ResolvedRoute route, String suffix) {
    BodyReader.read(request, maxBodySize).onComplete(read -> {
      if (read.failed()) {
        refuse(request, route, read.cause());
        return;
      }
      try {
        journal(request, route, suffix, read.result());
      } catch (IllegalArgumentException | EventAttributes.InvalidAttribute e) {
        metrics.rejected(route.name(), "invalid");
        error(request.response(), 400, e.getMessage());
      }
    });
  }

  private void refuse(HttpServerRequest request, ResolvedRoute route, Throwable cause) {
    if (cause instanceof BodyReader.TooLarge) {
      metrics.rejected(route.name(), "too-large");
      // The rest of the body is not read: close the connection rather than leave it unusable.
      request.response().putHeader("Connection", "close");
      error(request.response(), 413, cause.getMessage());
    } else if (cause instanceof IllegalArgumentException) {
      metrics.rejected(route.name(), "invalid");
      error(request.response(), 400, cause.getMessage());
    } else {
      LOG.debugf("Request for route %s broke off: %s", route.name(), cause.getMessage());
      request.connection().close();
    }
  }

  private void journal(HttpServerRequest request, ResolvedRoute route, String suffix, Buffer body) {
    List<Header> headers = new ArrayList<>();
    for (Map.Entry<String, String> h : request.headers()) {
      headers.add(new Header(h.getKey(), h.getValue()));
    }
    headers = HopByHop.strip(headers);
    byte[] bytes = body.getBytes();
    EventAttributes attributes = EventAttributes.extract(route.spec(), headers, bytes);
    Instant now = Instant.now();
    UUID id = attributes.eventId() == null ? resent(headers) : null;
    if (id == null) {
      id = Uuids.v7(now);
    }
    headers = headers.stream().filter(h -> !h.is(CAPTURE_ID_HEADER)).toList();
    String url = Urls.join(route.destination(), suffix, request.query());
    NewEvent event = new NewEvent(id, identity.namespace(), route.name(), route.generation(),
        attributes.eventId() != null ? attributes.eventId() : id.toString(), attributes.eventSource(),
        attributes.correlationId(), attributes.eventType(), identity.workload(), identity.pod(),
        request.method().name(), url, suffix == null ? "" : suffix, headers, bytes, now);
    if (route.mode() == Mode.PASSTHROUGH) {
      passthrough(request, route, event);
    } else {
      storeAndForward(request, route, event);
    }
  }

  /**
   * The id Rewind gave this event on an earlier try, when the sender sends it again with that id
   * ({@value #CAPTURE_ID_HEADER}, as the 503 answer asks): the retry is then the same journal event whether or
   * not the first write landed. Only for events without an id of their own; anything but a UUID is refused. A
   * header of its own, not {@code Rewind-Event-Id}: a service that forwards what it received would otherwise
   * hand the previous hop's id to the next hop's event.
   */
  private static UUID resent(List<Header> headers) {
    String value = Header.first(headers, CAPTURE_ID_HEADER);
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("header " + CAPTURE_ID_HEADER + " must be the id Rewind answered for"
          + " this event (a UUID), got \"" + value + "\"");
    }
  }

  private void storeAndForward(HttpServerRequest request, ResolvedRoute route, NewEvent event) {
    pipeline.capture(event, route).subscribe().with(
        appended -> {
          if (appended.refused()) {
            refused(request, route, appended.refusal());
            return;
          }
          request.response()
              .setStatusCode(202)
              .putHeader("Content-Type", "application/json")
              .putHeader(AttemptRunner.EVENT_ID_HEADER, appended.id().toString())
              .end(new JsonObject()
                  .put("id", appended.id().toString())
                  .put("eventId", event.eventId())
                  .put("route", route.name())
                  .put("duplicate", appended.duplicate())
                  .encode());
        },
        failure -> storeUnavailable(request, route, event, failure));
  }

  private void passthrough(HttpServerRequest request, ResolvedRoute route, NewEvent event) {
    pipeline.passthrough(event, route, Integer.MAX_VALUE).subscribe().with(
        forwarded -> answerWith(request.response(), forwarded.result(), event.id().toString()),
        failure -> storeUnavailable(request, route, event, failure));
  }

  /** A different event under an id the route already holds: never acknowledged, or it would be lost. */
  private void refused(HttpServerRequest request, ResolvedRoute route, String why) {
    metrics.rejected(route.name(), "conflict");
    error(request.response(), 409, why);
  }

  private void storeUnavailable(HttpServerRequest request, ResolvedRoute route, NewEvent event, Throwable failure) {
    if (failure instanceof CaptureRefused) {
      refused(request, route, failure.getMessage());
      return;
    }
    if (!(failure instanceof StoreUnavailable)) {
      LOG.errorf(failure, "Capture for route %s failed", route.name());
      error(request.response(), 500, "capture failed: " + failure.getMessage());
      return;
    }
    if (route.onStoreUnavailable() == OnStoreUnavailable.FORWARD) {
      // The route prefers delivery over the record: forward now, unjournaled, and count it.
      metrics.uncaptured(route.name());
      direct.send(new OutboundRequest(event.method(), event.url(), event.headers(), event.body(),
              route.policy().timeout(), Integer.MAX_VALUE))
          .subscribe().with(result -> answerWith(request.response(), result, null),
              e -> error(request.response(), 502, e.getMessage()));
      return;
    }
    metrics.rejected(route.name(), "store-unavailable");
    // The write may still land after this answer. Sent again with the same id, the event is captured once
    // whether it did or not: the sender's own id, or the one Rewind gave it, returned here.
    boolean ownId = !event.eventId().equals(event.id().toString());
    HttpServerResponse response = request.response()
        .putHeader("Retry-After", RETRY_AFTER_SECONDS)
        .putHeader(AttemptRunner.EVENT_ID_HEADER, event.id().toString());
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(503).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("status", 503)
        .put("error", "the journal store did not confirm the write (" + failure.getMessage() + "); send the"
            + " event again later" + (ownId ? " with the same event id" : " with header "
            + CAPTURE_ID_HEADER + ": " + event.id()) + ", so it is captured once even if this"
            + " write lands")
        .put("id", event.id().toString())
        .put("eventId", event.eventId())
        .encode());
  }

  /** The destination's exact answer, or a gateway error when there was none. */
  static void answerWith(HttpServerResponse response, AttemptResult result, String eventId) {
    if (eventId != null) {
      response.putHeader(AttemptRunner.EVENT_ID_HEADER, eventId);
    }
    if (result.statusCode() == null) {
      int status = result.errorClass() == ErrorClass.TIMEOUT ? 504 : 502;
      error(response, status, "destination unavailable (" + result.outcome().token() + "): " + result.error()
          + (eventId != null ? "; the event is journaled and will be retried" : ""));
      return;
    }
    response.setStatusCode(result.statusCode());
    for (Header h : result.responseHeaders()) {
      if (!HopByHop.is(h.name()) && !h.is("content-length")) {
        response.headers().add(h.name(), h.value());
      }
    }
    response.end(Buffer.buffer(result.responseBody() == null ? new byte[0] : result.responseBody()));
  }

  static void error(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }
}
