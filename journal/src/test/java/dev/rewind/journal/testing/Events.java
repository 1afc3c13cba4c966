package dev.rewind.journal.testing;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.Uuids;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Captured events for tests, as the sidecar would build them. */
public final class Events {

  private Events() {}

  public static NewEvent of(ResolvedRoute route, String body, Header... headers) {
    return of(route, null, body, headers);
  }

  public static NewEvent of(ResolvedRoute route, String sourceId, String body, Header... headers) {
    Instant now = Instant.now();
    UUID id = Uuids.v7(now);
    List<Header> list = new ArrayList<>(List.of(new Header("Content-Type", "application/json")));
    list.addAll(List.of(headers));
    return new NewEvent(id, route.namespace(), route.name(), route.generation(),
        sourceId != null ? sourceId : id.toString(), null, null, "order.created", "erp", "erp-0", "POST",
        route.destination(), "", list, body.getBytes(StandardCharsets.UTF_8), now);
  }
}
