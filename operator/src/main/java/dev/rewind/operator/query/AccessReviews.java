package dev.rewind.operator.query;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks kube-apiserver whether a user may read something of {@code query.rewind.dev} (a SubjectAccessReview, so
 * RBAC or any other authorizer decides, with the same user, groups and extras). Allowed answers are remembered a
 * few seconds, as kube-apiserver's own webhook authorizer does; refusals are not, so a new binding works at once.
 * Blocking: call it off the event loop.
 */
public final class AccessReviews {

  /** A question: may this user {@code verb} {@code resource[/subresource]} (named {@code name}) in a namespace. */
  public record Question(Identity who, String verb, String namespace, String resource, String subresource,
      String name) {}

  /** The answer, with the authorizer's reason. */
  public record Decision(boolean allowed, String reason) {}

  static final Duration REMEMBER_ALLOWED = Duration.ofSeconds(10);
  private static final int MOST_REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<Question, Instant> allowed = new ConcurrentHashMap<>();

  public AccessReviews(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public Decision review(Question question) {
    Instant now = clock.instant();
    Instant until = allowed.get(question);
    if (until != null && now.isBefore(until)) {
      return new Decision(true, "");
    }
    SubjectAccessReview review = new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(question.who().user())
        .withGroups(question.who().groups())
        .withExtra(question.who().extra())
        .withNewResourceAttributes()
        .withNamespace(question.namespace())
        .withVerb(question.verb())
        .withGroup(ApiDiscovery.GROUP)
        .withVersion(ApiDiscovery.VERSION)
        .withResource(question.resource())
        .withSubresource(question.subresource())
        .withName(question.name())
        .endResourceAttributes()
        .endSpec()
        .build();
    SubjectAccessReviewStatus status;
    try {
      status = client.authorization().v1().subjectAccessReview().create(review).getStatus();
    } catch (KubernetesClientException e) {
      throw StatusErrors.unavailable("cannot check authorization (SubjectAccessReview): " + e.getMessage());
    }
    boolean yes = status != null && Boolean.TRUE.equals(status.getAllowed())
        && !Boolean.TRUE.equals(status.getDenied());
    if (yes) {
      if (allowed.size() >= MOST_REMEMBERED) {
        allowed.clear();
      }
      allowed.put(question, now.plus(REMEMBER_ALLOWED));
    }
    return new Decision(yes, status == null ? "" : status.getReason());
  }

  /** @throws QueryException Forbidden when the user may not */
  public void require(Question question) {
    Decision decision = review(question);
    if (!decision.allowed()) {
      throw StatusErrors.forbidden(question.who().user(), question.verb(), question.resource(),
          question.subresource(), question.namespace(), question.name(), decision.reason());
    }
  }
}
