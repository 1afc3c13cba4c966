package dev.rewind.operator.reconciler;

/** Told the destination URL of every Route the reconciler sees, and of every Route deleted. */
public interface RouteDestinations {

  RouteDestinations NONE = new RouteDestinations() {
    @Override
    public void seen(String namespace, String name, String url) {}

    @Override
    public void gone(String namespace, String name) {}
  };

  /** The Route {@code namespace/name} delivers to {@code url} (null: it has no destination). */
  void seen(String namespace, String name, String url);

  /** The Route was deleted. */
  void gone(String namespace, String name);
}
