package dev.rewind.api.crd;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the CRDs of every Rewind kind from the model classes, in memory. Used by {@link CrdsAreCommittedTest} to
 * compare with (or refresh) the committed YAML under {@code crds/}.
 */
final class CrdRendering {

  static final List<Class<? extends HasMetadata>> KINDS = List.of(Route.class, RetryPolicy.class, Replay.class,
      Flow.class);

  private CrdRendering() {}

  /** File name (as committed under crds/) to YAML text. */
  static Map<String, String> render() {
    Map<String, ByteArrayOutputStream> out = new TreeMap<>();
    new CRDGenerator()
        .customResourceClasses(KINDS)
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(new DeclaredColumnOrder())
        .withOutput(new CRDGenerator.AbstractCRDOutput<ByteArrayOutputStream>() {
          @Override
          protected ByteArrayOutputStream createStreamFor(String crdName) {
            return out.computeIfAbsent(crdName + ".yaml", k -> new ByteArrayOutputStream());
          }
        })
        .generate();
    Map<String, String> files = new TreeMap<>();
    out.forEach((name, bytes) -> files.put(name, bytes.toString(StandardCharsets.UTF_8)));
    return files;
  }

  /**
   * The generator sorts printer columns by name; kubectl shows them in the order listed, and the order we declare
   * them in (identity, state, counts, age) is the one an on-call engineer reads best.
   */
  static final class DeclaredColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      String kind = definition.getSpec().getNames().getKind();
      Class<?> model = KINDS.stream()
          .filter(k -> k.getSimpleName().equals(kind))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no model class for kind " + kind));
      List<String> declared = Arrays.stream(model.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        if (columns != null) {
          columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
        }
      }
      return definition;
    }
  }

}
