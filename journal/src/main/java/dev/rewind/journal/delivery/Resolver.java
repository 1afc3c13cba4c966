package dev.rewind.journal.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves destination host names off the event loop, with a short cache. Delivery connects to the address
 * resolved here (after the address policy approved it), never resolves again, so a name cannot switch to a
 * blocked address between check and connect.
 */
final class Resolver {

  private record Entry(List<InetAddress> addresses, long expiresAtNanos) {}

  private final Vertx vertx;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  Resolver(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttlNanos = ttl.toNanos();
  }

  Future<List<InetAddress>> resolve(String host) {
    InetAddress literal = AddressPolicy.literal(host);
    if (literal != null) {
      return Future.succeededFuture(List.of(literal));
    }
    Entry entry = cache.get(host);
    long now = System.nanoTime();
    if (entry != null && entry.expiresAtNanos() - now > 0) {
      return Future.succeededFuture(entry.addresses());
    }
    return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false)
        .onSuccess(addresses -> cache.put(host, new Entry(addresses, System.nanoTime() + ttlNanos)));
  }
}
