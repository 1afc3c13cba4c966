package dev.rewind.testbed;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * Edits of objects a controller also writes, done as {@code kubectl edit} does them: read, change, write with the
 * version read, and on 409 Conflict (the controller wrote in between, its status say) read and apply the change
 * again. A test that edits a Route while the operator patches its status must not fail for that.
 */
public final class Conflicts {

  private static final int ATTEMPTS = 10;

  private Conflicts() {}

  /** Runs {@code edit} (a Fabric8 {@code edit(...)} call) until it is not refused with 409, at most ten times. */
  public static <T> T retry(Supplier<T> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return edit.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
