package dev.rewind.sidecar.capture;

import dev.rewind.api.v1alpha1.route.spec.Mode;
import dev.rewind.api.v1alpha1.route.spec.OnStoreUnavailable;
import dev.rewind.journal.capture.CaptureMetrics;
import dev.rewind.journal.capture.CapturePipeline;
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
    UUID id = Uuids.v7(now);
    String url = Urls.join(route.destination(), suffix, request.query());
    NewEvent event = new NewEvent(id, identity.namespace(), route.name(), route.generation(),
        attributes.eventId() != null ? attributes.eventId() : id.toString(), attributes.correlationId(),
        attributes.eventType(), identity.workload(), identity.pod(), request.method().name(), url,
        suffix == null ? "" : suffix, headers, bytes, now);
    if (route.mode() == Mode.PASSTHROUGH) {
      passthrough(request, route, event);
    } else {
      storeAndForward(request, route, event);
    }
  }

  private void storeAndForward(HttpServerRequest request, ResolvedRoute route, NewEvent event) {
    pipeline.capture(event, route).subscribe().with(
        appended -> request.response()
            .setStatusCode(202)
            .putHeader("Content-Type", "application/json")
            .putHeader(AttemptRunner.EVENT_ID_HEADER, appended.id().toString())
            .end(new JsonObject()
                .put("id", appended.id().toString())
                .put("eventId", event.eventId())
                .put("route", route.name())
                .put("duplicate", appended.duplicate())
                .encode()),
        failure -> storeUnavailable(request, route, event, failure));
  }

  private void passthrough(HttpServerRequest request, ResolvedRoute route, NewEvent event) {
    pipeline.passthrough(event, route, Integer.MAX_VALUE).subscribe().with(
        forwarded -> answerWith(request.response(), forwarded.result(), event.id().toString()),
        failure -> storeUnavailable(request, route, event, failure));
  }

  private void storeUnavailable(HttpServerRequest request, ResolvedRoute route, NewEvent event, Throwable failure) {
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
    request.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
    error(request.response(), 503, "the journal store is unavailable; nothing was captured, send again later ("
        + failure.getMessage() + ")");
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
