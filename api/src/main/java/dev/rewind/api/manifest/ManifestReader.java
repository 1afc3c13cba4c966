package dev.rewind.api.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowChecks;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Rewind manifests (multi-document YAML) from files or a directory for standalone mode, and checks them
 * against the same CRD schemas and CEL rules the API server applies. Either every document is valid and the
 * result is complete, or a {@link ManifestException} names each file, document, object, field and what is wrong:
 * a sidecar never starts half-configured.
 */
public final class ManifestReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern NAME = Pattern.compile(Rewind.NAME_PATTERN);
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      Route.KIND, Route.class, RetryPolicy.KIND, RetryPolicy.class, Replay.KIND, Replay.class, Flow.KIND, Flow.class);

  private final String defaultNamespace;
  private final CelRules cel = new CelRules();

  /** @param defaultNamespace namespace given to objects whose metadata names none */
  public ManifestReader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /**
   * Reads every *.yaml and *.yml file under {@code path} (a file or a directory, recursively, in name order),
   * skipping hidden entries: see {@link #files}.
   */
  public Manifests read(Path path) {
    List<Path> files;
    if (Files.isDirectory(path)) {
      files = files(path).stream()
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .toList();
    } else if (Files.isRegularFile(path)) {
      files = List.of(path);
    } else {
      throw new ManifestException(List.of(new Problem(path.toString(), 0, null,
          new Violation("path", "no such file or directory"))));
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (Path file : files) {
      try {
        texts.put(file.toString(), Files.readString(file));
      } catch (IOException e) {
        throw new ManifestException(List.of(new Problem(file.toString(), 0, null,
            new Violation("file", "cannot be read: " + e.getMessage()))));
      }
    }
    return readTexts(texts);
  }

  /**
   * The regular files under {@code dir}, recursively, in name order, leaving out every entry whose name starts
   * with a dot. A ConfigMap mounted as a volume holds each file twice: as a link at the top, and inside the hidden
   * {@code ..<timestamp>} folder the kubelet swaps atomically on an update (reached through {@code ..data});
   * reading both would see every object twice.
   */
  public static List<Path> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !hidden(dir.relativize(p)))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Reads YAML texts keyed by the name used in messages (a file name). */
  public Manifests readTexts(Map<String, String> texts) {
    List<Problem> problems = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    List<RetryPolicy> policies = new ArrayList<>();
    List<Replay> replays = new ArrayList<>();
    List<Flow> flows = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Map.Entry<String, String> text : texts.entrySet()) {
      String source = text.getKey();
      int document = 0;
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text.getValue())) {
        while (docs.hasNextValue()) {
          JsonNode doc = docs.nextValue();
          document++;
          if (doc == null || doc.isNull() || doc.isMissingNode()) {
            continue;
          }
          HasMetadata object = readDocument(source, document, doc, problems);
          if (object == null) {
            continue;
          }
          String key = Manifests.key(object);
          String earlier = sources.putIfAbsent(key, source + " (document " + document + ")");
          if (earlier != null) {
            problems.add(new Problem(source, document, describe(object), new Violation("metadata.name",
                "Duplicate value: " + object.getKind() + " \"" + object.getMetadata().getName()
                    + "\" is already defined in " + earlier)));
          } else if (object instanceof Route r) {
            routes.add(r);
          } else if (object instanceof RetryPolicy p) {
            policies.add(p);
          } else if (object instanceof Replay r) {
            replays.add(r);
          } else if (object instanceof Flow f) {
            flows.add(f);
          }
        }
      } catch (JsonProcessingException e) {
        problems.add(new Problem(source, document + 1, null, new Violation(location(e), "not valid YAML: "
            + e.getOriginalMessage())));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot parse " + source, e);
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Manifests(List.copyOf(routes), List.copyOf(policies), List.copyOf(replays), List.copyOf(flows),
        Map.copyOf(sources));
  }

  private HasMetadata readDocument(String source, int document, JsonNode doc, List<Problem> problems) {
    if (!(doc instanceof ObjectNode object)) {
      problems.add(new Problem(source, document, null, new Violation("(root)", "expected a mapping with"
          + " apiVersion, kind, metadata and spec")));
      return null;
    }
    List<Violation> violations = new ArrayList<>();
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    if (!Rewind.API_VERSION.equals(apiVersion)) {
      violations.add(new Violation("apiVersion", "Unsupported value: \"" + apiVersion + "\": supported values: \""
          + Rewind.API_VERSION + "\""));
    }
    Class<? extends HasMetadata> type = KINDS.get(kind);
    if (type == null) {
      violations.add(new Violation("kind", "Unsupported value: \"" + kind + "\": supported values: "
          + String.join(", ", KINDS.keySet().stream().sorted().map(k -> "\"" + k + "\"").toList())));
    }
    String name = checkMetadata(object, violations);
    String label = type == null ? null : kind + " \"" + name + "\"";
    if (type == null || !violations.isEmpty()) {
      violations.forEach(v -> problems.add(new Problem(source, document, label, v)));
      return null;
    }
    // Status is written by Rewind, never read from a file.
    object.remove("status");
    JSONSchemaProps schema = CrdSchemas.get().schemaOf(kind);
    JSONSchemaProps specSchema = schema.getProperties().get("spec");
    JsonNode spec = object.get("spec");
    if (spec == null || spec.isNull()) {
      problems.add(new Problem(source, document, label, new Violation("spec", "Required value")));
      return null;
    }
    for (Iterator<String> fields = object.fieldNames(); fields.hasNext(); ) {
      String field = fields.next();
      if (!List.of("apiVersion", "kind", "metadata", "spec").contains(field)) {
        problems.add(new Problem(source, document, label, new Violation(field, "unknown field \"" + field + "\"")));
      }
    }
    SchemaCheck.applyDefaults(spec, specSchema);
    SchemaCheck check = new SchemaCheck(cel);
    check.check("spec", spec, specSchema);
    if (!check.violations().isEmpty()) {
      check.violations().forEach(v -> problems.add(new Problem(source, document, label, v)));
      return null;
    }
    try {
      HasMetadata typed = Serialization.jsonMapper().treeToValue(object, type);
      if (typed.getMetadata().getNamespace() == null) {
        typed.getMetadata().setNamespace(defaultNamespace);
      }
      if (typed instanceof Flow flow) {
        // What the CRD's schema cannot say (a Route named twice), as the operator reports it.
        List<String> flowProblems = FlowChecks.problems(flow.getSpec(), flow.getMetadata().getNamespace());
        flowProblems.forEach(p -> problems.add(new Problem(source, document, label,
            new Violation(p.substring(0, p.indexOf(": ")), p.substring(p.indexOf(": ") + 2)))));
        return flowProblems.isEmpty() ? typed : null;
      }
      return typed;
    } catch (JsonProcessingException e) {
      problems.add(new Problem(source, document, label, new Violation(location(e), e.getOriginalMessage())));
      return null;
    }
  }

  private static String checkMetadata(ObjectNode object, List<Violation> violations) {
    JsonNode metadata = object.get("metadata");
    if (metadata == null || !metadata.isObject()) {
      violations.add(new Violation("metadata.name", "Required value"));
      return null;
    }
    JsonNode name = metadata.get("name");
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      violations.add(new Violation("metadata.name", "Required value"));
      return null;
    }
    String value = name.asText();
    if (value.length() > 253 || !NAME.matcher(value).matches()) {
      violations.add(new Violation("metadata.name", "Invalid value: \"" + value + "\": a lowercase RFC 1123"
          + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end"
          + " with an alphanumeric character"));
    }
    JsonNode namespace = metadata.get("namespace");
    if (namespace != null && (!namespace.isTextual() || !NAME.matcher(namespace.asText()).matches())) {
      violations.add(new Violation("metadata.namespace", "Invalid value: " + namespace + ": must be a DNS label"));
    }
    return value;
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " \"" + object.getMetadata().getName() + "\"";
  }

  private static String location(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    return where == null ? "(document)" : "line " + where.getLineNr() + ", column " + where.getColumnNr();
  }
}
