package dev.rewind.operator.query;

import dev.rewind.console.ConsoleAccess;
import dev.rewind.operator.query.AccessReviews.Question;

/**
 * The console's access for one user: the same SubjectAccessReviews as the query API's own reads, so a page shows
 * a namespace exactly when {@code kubectl get events.query.rewind.dev -n NS} would list it, and bodies exactly when
 * the events/body subresource may be read.
 */
final class ConsoleAccessReviews implements ConsoleAccess {

  private final AccessReviews reviews;
  private final Identity who;

  ConsoleAccessReviews(AccessReviews reviews, Identity who) {
    this.reviews = reviews;
    this.who = who;
  }

  @Override
  public boolean mayRead(String namespace) {
    return reviews.review(new Question(who, "list", namespace, ApiDiscovery.EVENTS, null, null)).allowed();
  }

  @Override
  public boolean mayReadBodies(String namespace) {
    return reviews.review(new Question(who, "get", namespace, ApiDiscovery.EVENTS, ApiDiscovery.BODY, null))
        .allowed();
  }
}
