package dev.rewind.journal.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay in front of PostgreSQL that a test can cut: existing connections are dropped and new ones are
 * accepted but never answered, as with a store behind a dead network path. The worst case for a client: nothing
 * is refused, everything just hangs.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  public TcpProxy(int targetPort) {
    var client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(inbound -> {
      open.add(inbound);
      inbound.closeHandler(v -> open.remove(inbound));
      if (cut) {
        inbound.pause(); // accept, never answer
        return;
      }
      inbound.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = connected.result();
        open.add(outbound);
        outbound.closeHandler(v -> {
          open.remove(outbound);
          inbound.close();
        });
        inbound.closeHandler(v -> {
          open.remove(inbound);
          outbound.close();
        });
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.resume();
      });
    });
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  /** Drops every connection and black-holes new ones. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  public void restore() {
    cut = false;
    open.forEach(NetSocket::close);
  }

  @Override
  public void close() {
    vertx.close();
  }
}
