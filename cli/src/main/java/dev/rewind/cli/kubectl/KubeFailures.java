package dev.rewind.cli.kubectl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine;

/**
 * Turns an exception out of a plugin command into one line on standard error and an exit code, as kubectl does:
 * the API server's own message (a Forbidden one names the user, the resource and the namespace), no stack trace.
 */
final class KubeFailures implements CommandLine.IExecutionExceptionHandler {

  /** A problem with what the user gave, worded for them (names the flag). */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /** What the cluster said no to, already worded. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    var err = command.getErr();
    int code;
    if (e instanceof Invalid) {
      err.println("error: " + e.getMessage());
      code = KubeExitCodes.INVALID;
    } else if (e instanceof KubernetesClientException k) {
      err.println("error: " + describe(k));
      code = KubeExitCodes.FAILED;
    } else {
      err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      code = KubeExitCodes.FAILED;
    }
    err.flush();
    return code;
  }

  /**
   * The API server's answer as kubectl prints it: {@code Forbidden: replays.rewind.dev is forbidden: User "bob"
   * cannot create resource ... in the namespace "shop"}; without a Status (the server was not reached), the
   * client's message.
   */
  static String describe(KubernetesClientException e) {
    Status status = e.getStatus();
    if (e.getCode() == 404 && (status == null || status.getMessage() == null || status.getMessage().isBlank()
        || status.getMessage().equals("Not Found"))) {
      return "NotFound: the cluster does not serve Rewind's resources: are its CRDs installed"
          + " (kubectl apply -f crds/, or the Helm chart)?";
    }
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      String reason = status.getReason();
      return (reason == null || reason.isBlank() ? "" : reason + ": ") + status.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage();
    if (root != e && root.getMessage() != null) {
      message = (message == null ? "" : message + ": ") + root.getMessage();
    }
    return "cannot reach the cluster: " + message;
  }
}
