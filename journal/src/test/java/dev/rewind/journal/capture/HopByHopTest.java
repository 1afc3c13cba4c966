package dev.rewind.journal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.store.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void dropsHopByHopHeadersAndThoseConnectionNamesKeepingOrderAndCase() {
    List<Header> in = List.of(
        new Header("Content-Type", "application/json"),
        new Header("Connection", "keep-alive, X-Hop, x-other"),
        new Header("Keep-Alive", "timeout=5"),
        new Header("X-Hop", "1"),
        new Header("X-OTHER", "2"),
        new Header("Transfer-Encoding", "chunked"),
        new Header("TE", "trailers"),
        new Header("Upgrade", "h2c"),
        new Header("Proxy-Authorization", "Basic eA=="),
        new Header("Proxy-Connection", "keep-alive"),
        new Header("Trailer", "X-Sum"),
        new Header("X-Multi", "a"),
        new Header("Idempotency-Key", "k"),
        new Header("X-Multi", "b"));

    assertThat(HopByHop.strip(in)).containsExactly(
        new Header("Content-Type", "application/json"),
        new Header("X-Multi", "a"),
        new Header("Idempotency-Key", "k"),
        new Header("X-Multi", "b"));
  }

  @Test
  void withoutConnectionHeaderOnlyTheFixedSetGoes() {
    assertThat(HopByHop.strip(List.of(new Header("x-hop", "kept"), new Header("keep-alive", "x"))))
        .containsExactly(new Header("x-hop", "kept"));
  }
}
