package dev.rewind.operator.webhook.patch;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The pod annotations a team uses to ask for capture, with every key, its default and its parsing in this one
 * class, so the parser, the injector and the documentation cannot drift apart (WEBHOOK.md lists {@link #KEYS}, and
 * a test checks it does).
 *
 * <p>Parsing is lenient on purpose: a typo in an annotation must never stop a pod from being created. A bad value
 * is reported in {@link #problems()} (which the webhook returns as admission warnings and logs) and the default
 * applies instead.
 *
 * @param capture {@value #CAPTURE}: {@code "true"} asks for the sidecar; default false
 * @param routes {@value #ROUTES}: serve only these routes (comma list); empty means every route of the workload
 * @param proxy {@value #PROXY}: wire {@code HTTP_PROXY} to the sidecar's proxy; default true
 * @param cpuRequest {@value #CPU_REQUEST}; empty means the operator's default
 * @param memoryRequest {@value #MEMORY_REQUEST}; empty means the operator's default
 * @param cpuLimit {@value #CPU_LIMIT}; empty means the operator's default
 * @param memoryLimit {@value #MEMORY_LIMIT}; empty means the operator's default
 * @param workload {@value #WORKLOAD}: the workload name the sidecar reports; empty means derived from the owner
 * @param signingSecrets {@value #SIGNING_SECRETS}: Secrets of the pod's namespace mounted for request signing
 * @param noProxy {@value #NO_PROXY}: hosts added to {@code NO_PROXY} on top of the operator's list
 * @param problems what was wrong with the annotations, one sentence each; never fatal
 */
public record CaptureAnnotations(
    boolean capture,
    List<String> routes,
    boolean proxy,
    Optional<Quantity> cpuRequest,
    Optional<Quantity> memoryRequest,
    Optional<Quantity> cpuLimit,
    Optional<Quantity> memoryLimit,
    Optional<String> workload,
    List<String> signingSecrets,
    List<String> noProxy,
    List<String> problems) {

  public static final String PREFIX = "rewind.dev/";
  public static final String CAPTURE = PREFIX + "capture";
  public static final String ROUTES = PREFIX + "routes";
  public static final String PROXY = PREFIX + "proxy";
  public static final String CPU_REQUEST = PREFIX + "sidecar-cpu-request";
  public static final String MEMORY_REQUEST = PREFIX + "sidecar-memory-request";
  public static final String CPU_LIMIT = PREFIX + "sidecar-cpu-limit";
  public static final String MEMORY_LIMIT = PREFIX + "sidecar-memory-limit";
  public static final String WORKLOAD = PREFIX + "workload";
  public static final String SIGNING_SECRETS = PREFIX + "signing-secrets";
  public static final String NO_PROXY = PREFIX + "no-proxy";

  /** Every annotation a team may set, in the order WEBHOOK.md documents them. */
  public static final List<String> KEYS = List.of(CAPTURE, ROUTES, PROXY, CPU_REQUEST, MEMORY_REQUEST, CPU_LIMIT,
      MEMORY_LIMIT, WORKLOAD, SIGNING_SECRETS, NO_PROXY);

  /** Written by the injector: the label every injected pod carries (and a selector for un-injected ones). */
  public static final String INJECTED_LABEL = PREFIX + "injected";
  /** Written by the injector: what it did differently from the defaults and why (e.g. a user's HTTP_PROXY kept). */
  public static final String NOTES = PREFIX + "injection-notes";

  /** No annotations: no capture, every route, proxy wired, operator defaults. */
  public static final CaptureAnnotations DEFAULTS = new CaptureAnnotations(false, List.of(), true, Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

  // RFC 1123 subdomain, as Kubernetes validates object names (Routes, Secrets, workloads).
  private static final Pattern OBJECT_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  // The Kubernetes quantity grammar without a sign: a sidecar resource is never negative.
  private static final Pattern QUANTITY =
      Pattern.compile("([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?");
  // A NO_PROXY entry: host name, IP, CIDR, ".suffix", "*", optionally with a port; nothing that could break the list.
  private static final Pattern NO_PROXY_ENTRY = Pattern.compile("[A-Za-z0-9._*:/\\[\\]-]+");

  public CaptureAnnotations {
    routes = List.copyOf(routes);
    signingSecrets = List.copyOf(signingSecrets);
    noProxy = List.copyOf(noProxy);
    problems = List.copyOf(problems);
  }

  /**
   * The fast path: a pod without {@value #CAPTURE} is not parsed at all. One with it is, whatever the value, so that a
   * value like {@code "yes"} is reported rather than silently ignored.
   */
  public static boolean mentionsCapture(Map<String, String> annotations) {
    return annotations != null && annotations.containsKey(CAPTURE);
  }

  /** Reads the annotations of a pod; never throws on what a user wrote. A null map means no annotations. */
  public static CaptureAnnotations parse(Map<String, String> annotations) {
    return new Parser(annotations == null ? Map.of() : annotations).parse();
  }

  private static String lower(String value) {
    return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
  }

  /** One parse: collects the problems as it goes. */
  private static final class Parser {
    private final Map<String, String> annotations;
    private final List<String> problems = new ArrayList<>();

    Parser(Map<String, String> annotations) {
      this.annotations = annotations;
    }

    CaptureAnnotations parse() {
      warnAboutUnknownKeys();
      return new CaptureAnnotations(
          flag(CAPTURE, DEFAULTS.capture()),
          names(ROUTES, OBJECT_NAME.asMatchPredicate(), "a Route name"),
          flag(PROXY, DEFAULTS.proxy()),
          quantity(CPU_REQUEST),
          quantity(MEMORY_REQUEST),
          quantity(CPU_LIMIT),
          quantity(MEMORY_LIMIT),
          workload(),
          names(SIGNING_SECRETS, OBJECT_NAME.asMatchPredicate(), "a Secret name"),
          names(NO_PROXY, NO_PROXY_ENTRY.asMatchPredicate(), "a host, IP address or CIDR range"),
          problems);
    }

    private boolean flag(String key, boolean defaultValue) {
      String value = annotations.get(key);
      if (value == null) {
        return defaultValue;
      }
      switch (lower(value)) {
        case "true", "on":
          return true;
        case "false", "off":
          return false;
        default:
          problems.add(key + ": \"" + value + "\" is not true or false; using " + defaultValue);
          return defaultValue;
      }
    }

    private List<String> names(String key, Predicate<String> valid, String what) {
      String value = annotations.get(key);
      if (value == null) {
        return List.of();
      }
      LinkedHashSet<String> names = new LinkedHashSet<>();
      for (String part : value.split(",")) {
        String name = part.trim();
        if (name.isEmpty()) {
          continue;
        }
        if (name.length() <= 253 && valid.test(name)) {
          names.add(name);
        } else {
          problems.add(key + ": \"" + name + "\" is not " + what + "; ignored");
        }
      }
      return List.copyOf(names);
    }

    private Optional<Quantity> quantity(String key) {
      String value = annotations.get(key);
      if (value == null) {
        return Optional.empty();
      }
      String trimmed = value.trim();
      if (QUANTITY.matcher(trimmed).matches()) {
        Quantity quantity = new Quantity(trimmed);
        if (Quantity.getAmountInBytes(quantity).compareTo(BigDecimal.ZERO) > 0) {
          return Optional.of(quantity);
        }
      }
      problems.add(key + ": \"" + value + "\" is not a positive quantity; the operator's default applies");
      return Optional.empty();
    }

    private Optional<String> workload() {
      String value = annotations.get(WORKLOAD);
      if (value == null) {
        return Optional.empty();
      }
      String name = value.trim();
      if (name.length() <= 253 && OBJECT_NAME.matcher(name).matches()) {
        return Optional.of(name);
      }
      problems.add(WORKLOAD + ": \"" + value + "\" is not a workload name; derived from the pod's owner instead");
      return Optional.empty();
    }

    // A misspelt key (rewind.dev/rotues) would otherwise be silently without effect.
    private void warnAboutUnknownKeys() {
      annotations.keySet().stream()
          .filter(key -> key.startsWith(PREFIX) && !KEYS.contains(key) && !NOTES.equals(key))
          .sorted()
          .forEach(key -> problems.add(key + ": not a Rewind annotation; ignored (known: " + String.join(", ",
              KEYS.stream().map(k -> k.substring(PREFIX.length())).toList()) + ")"));
    }
  }
}
