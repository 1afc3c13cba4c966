package dev.rewind.operator.webhook;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * Optimistic writes among replicas: a create or an update with the resourceVersion read either succeeds or meets a
 * conflict because another replica got there first, and then the caller reads again and decides afresh.
 */
public final class ConflictRetry {

  private ConflictRetry() {}

  /** Runs a create or an optimistic update; false when another replica got there first (read again). */
  public static boolean write(Runnable request) {
    try {
      request.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }
}
