package dev.rewind.journal.delivery;

import dev.rewind.journal.store.Header;
import java.time.Duration;
import java.util.List;

/**
 * One HTTP request to send.
 *
 * @param timeout limit from the start until the response headers are in
 * @param bodyLimit most response body bytes to keep; the rest is read and discarded
 */
public record OutboundRequest(
    String method, String url, List<Header> headers, byte[] body, Duration timeout, int bodyLimit) {}
