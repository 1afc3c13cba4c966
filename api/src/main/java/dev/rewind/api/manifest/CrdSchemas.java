package dev.rewind.api.manifest;

import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI schemas of the Rewind kinds, read from the committed CRDs packaged in this jar. Standalone mode
 * validates and defaults against exactly what the API server uses, so both reject the same mistakes.
 */
public final class CrdSchemas {

  private static final List<String> CRD_FILES = List.of(
      "routes.rewind.dev-v1.yaml", "retrypolicies.rewind.dev-v1.yaml", "replays.rewind.dev-v1.yaml",
      "flows.rewind.dev-v1.yaml");

  private static final CrdSchemas INSTANCE = load();

  private final Map<String, JSONSchemaProps> byKind;

  private CrdSchemas(Map<String, JSONSchemaProps> byKind) {
    this.byKind = byKind;
  }

  public static CrdSchemas get() {
    return INSTANCE;
  }

  /** The schema of {@code kind} in version v1alpha1, or null when Rewind has no such kind. */
  public JSONSchemaProps schemaOf(String kind) {
    return byKind.get(kind);
  }

  public java.util.Set<String> kinds() {
    return byKind.keySet();
  }

  private static CrdSchemas load() {
    Map<String, JSONSchemaProps> schemas = new TreeMap<>();
    for (String file : CRD_FILES) {
      String resource = "/META-INF/rewind/crds/" + file;
      try (InputStream in = CrdSchemas.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("CRD " + resource + " is missing from the classpath");
        }
        CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
          if (Rewind.VERSION.equals(version.getName())) {
            schemas.put(crd.getSpec().getNames().getKind(), version.getSchema().getOpenAPIV3Schema());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CRD " + resource, e);
      }
    }
    return new CrdSchemas(schemas);
  }
}
