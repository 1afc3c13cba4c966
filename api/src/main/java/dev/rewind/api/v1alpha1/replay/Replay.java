package dev.rewind.api.v1alpha1.replay;

import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A one-shot request to re-deliver a selected set of journaled events of its own namespace. Its spec cannot change
 * once created: a replay is a request, not a desired state; create a new Replay to ask again.
 */
@Group(Rewind.GROUP)
@Version(Rewind.VERSION)
@ShortNames("rpl")
@Categories(Rewind.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Matched", jsonPath = ".status.matched", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Delivered", jsonPath = ".status.delivered", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Remaining", jsonPath = ".status.remaining", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Replay extends CustomResource<ReplaySpec, ReplayStatus> implements Namespaced {

  public static final String KIND = "Replay";

  // Overridden only to mark spec required in the generated schema: an object without spec would otherwise be
  // stored and silently do nothing.
  @Override
  @Required
  public ReplaySpec getSpec() {
    return super.getSpec();
  }
}
