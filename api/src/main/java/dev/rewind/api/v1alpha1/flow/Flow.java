package dev.rewind.api.v1alpha1.flow;

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
 * An integration's chain of hops (ERP → Service A → Service B → partner) as Routes, linked by the correlation id
 * each Route extracts. Rewind follows every correlation id that entered the first hop and says where it stands:
 * complete, in flight, failed at a hop, or broken after one — delivered there and never seen at the next, the loss no
 * single hop shows.
 */
@Group(Rewind.GROUP)
@Version(Rewind.VERSION)
@ShortNames("rwf")
@Categories(Rewind.CATEGORY)
@AdditionalPrinterColumn(name = "Hops", jsonPath = ".status.hopCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Complete", jsonPath = ".status.complete", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "In-Flight", jsonPath = ".status.inFlight", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Broken", jsonPath = ".status.broken", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Flow extends CustomResource<FlowSpec, FlowStatus> implements Namespaced {

  public static final String KIND = "Flow";

  // Overridden only to mark spec required in the generated schema: an object without spec would otherwise be
  // stored and silently do nothing.
  @Override
  @Required
  public FlowSpec getSpec() {
    return super.getSpec();
  }
}
