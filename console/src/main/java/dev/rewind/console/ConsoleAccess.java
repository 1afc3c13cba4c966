package dev.rewind.console;

/**
 * Who may read what, decided by the server that serves the console for the user it authenticated: the operator
 * asks kube-apiserver (SubjectAccessReviews, as its query API does); the CLI's local server, bound to loopback, lets
 * its one user read what the store holds.
 */
public interface ConsoleAccess {

  /** Whether the user may list the namespace's journaled events (every console page needs that). */
  boolean mayRead(String namespace);

  /** Whether the user may also read captured bodies and headers (the query API's events/body). */
  boolean mayReadBodies(String namespace);

  /** Everything: the standalone store's own user. */
  ConsoleAccess ALL = new ConsoleAccess() {
    @Override
    public boolean mayRead(String namespace) {
      return true;
    }

    @Override
    public boolean mayReadBodies(String namespace) {
      return true;
    }
  };
}
