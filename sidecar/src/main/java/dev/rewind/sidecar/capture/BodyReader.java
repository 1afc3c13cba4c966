package dev.rewind.sidecar.capture;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before a byte is read;
 * a chunked body is refused as soon as it crosses the limit.
 */
final class BodyReader {

  /** The body exceeds the capture limit; answered 413, nothing journaled. */
  static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private BodyReader() {}

  static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader("content-length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          return Future.failedFuture(new TooLarge("request body of " + declared.trim() + " bytes exceeds the"
              + " capture limit of " + limit + " bytes"));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(new IllegalArgumentException("Content-Length \"" + declared + "\" is not a"
            + " number"));
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        promise.tryFail(new TooLarge("request body exceeds the capture limit of " + limit + " bytes"));
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }
}
