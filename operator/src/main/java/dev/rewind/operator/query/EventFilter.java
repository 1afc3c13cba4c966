package dev.rewind.operator.query;

import dev.rewind.api.v1alpha1.common.EventState;
import java.util.UUID;

/**
 * The equality filters of a listing, from its field selector; null means no filter on that field.
 *
 * @param name the Rewind id (metadata.name)
 * @param namespace metadata.namespace as selected: a listing of another namespace's path matches nothing
 */
public record EventFilter(String route, EventState state, String lastOutcome, String correlationId, String type,
    String senderWorkload, UUID name, String namespace) {

  public static final EventFilter NONE = new EventFilter(null, null, null, null, null, null, null, null);
}
