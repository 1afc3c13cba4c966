package dev.rewind.api.v1alpha1.retrypolicy;

import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How delivery attempts of the Routes that reference it are retried. */
@Group(Rewind.GROUP)
@Version(Rewind.VERSION)
@Plural("retrypolicies")
@ShortNames("rwp")
@Categories(Rewind.CATEGORY)
@AdditionalPrinterColumn(name = "Attempts", jsonPath = ".spec.maxAttempts", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Backoff", jsonPath = ".spec.backoff.policy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Timeout", jsonPath = ".spec.timeout", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Routes", jsonPath = ".status.routes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class RetryPolicy extends CustomResource<RetryPolicySpec, RetryPolicyStatus> implements Namespaced {

  public static final String KIND = "RetryPolicy";

  // Overridden only to mark spec required in the generated schema: an object without spec would otherwise be
  // stored and silently do nothing.
  @Override
  @Required
  public RetryPolicySpec getSpec() {
    return super.getSpec();
  }
}
