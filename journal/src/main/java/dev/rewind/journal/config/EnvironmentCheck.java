package dev.rewind.journal.config;

import dev.rewind.api.manifest.Levenshtein;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds the {@code REWIND_*} environment variables that look like Rewind settings but name none. SmallRye Config
 * refuses an unknown {@code rewind.*} key in application.properties or a {@code -D} option, but not in the
 * environment — and the environment is where Kubernetes puts every setting (a Deployment's {@code env}, the chart's
 * {@code extraEnv}, the injector's sidecar container). A misspelt {@code REWIND_DELIVERY_CONCURENCY} would silently
 * leave the default in place; with this check it stops the start, naming the variable and the nearest real one.
 *
 * <p>Pure: the caller passes the environment and the property names of its own configuration mapping, so the
 * names known here can never drift from the ones the process reads.
 *
 * <p>Kubernetes also writes variables of its own into every container, one family per Service of the pod's
 * namespace ({@code <SERVICE>_SERVICE_HOST}, {@code <SERVICE>_PORT_443_TCP}, …); a Service named
 * {@code rewind-…} starts them with {@code REWIND_}. Refusing those would crash-loop the sidecar — and with it the
 * application it is a native sidecar of — because of a Service name, so a family that has its
 * {@code _SERVICE_HOST} member is recognised and left alone.
 */
public final class EnvironmentCheck {

  public static final String PREFIX = "REWIND_";

  /** What follows {@code <SERVICE>_} in a service-link variable, as the kubelet writes them. */
  private static final Pattern SERVICE_LINK = Pattern.compile(
      "SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?");
  private static final String SERVICE_HOST = "_SERVICE_HOST";
  /** An indexed element of a list setting: {@code rewind.routes[0]} is {@code REWIND_ROUTES_0_}. */
  private static final String INDEX = "_[0-9]+_";

  private final List<Pattern> accepted;
  private final Set<String> names;

  /**
   * @param properties every property the process reads, as its configuration mapping names them
   *     ({@code rewind.store.url}, {@code rewind.delivery.blocked-cidrs[*]}, {@code rewind.labels.*})
   */
  public EnvironmentCheck(Collection<String> properties) {
    List<Pattern> patterns = new ArrayList<>();
    Set<String> plain = new TreeSet<>();
    for (String property : properties) {
      patterns.add(Pattern.compile(pattern(property)));
      if (!property.replace("[*]", "").contains("*")) {
        plain.add(environmentName(property));
      }
    }
    this.accepted = List.copyOf(patterns);
    this.names = plain;
  }

  /** The {@code REWIND_*} variables of {@code environment} that name no known setting, sorted. */
  public List<String> unknown(Map<String, String> environment) {
    Set<String> serviceLinks = serviceLinkPrefixes(environment.keySet());
    return environment.keySet().stream()
        .filter(name -> name.startsWith(PREFIX))
        .filter(name -> accepted.stream().noneMatch(p -> p.matcher(name).matches()))
        .filter(name -> !isServiceLink(name, serviceLinks))
        .sorted()
        .toList();
  }

  /**
   * The known variable nearest to {@code unknown}, when it is near enough to be a typo of it: a few letters
   * added, dropped or changed, more for longer names.
   */
  public Optional<String> closest(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : names) {
      int distance = Levenshtein.distance(unknown, candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    int allowed = Math.max(2, (unknown.length() - PREFIX.length()) / 4);
    return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /**
   * Stops the start when the environment names a setting that does not exist.
   *
   * @param where where the settings are listed, for the message
   * @throws IllegalArgumentException naming every unknown variable, and the known one each is closest to
   */
  public void check(Map<String, String> environment, String where) {
    List<String> unknown = unknown(environment);
    if (unknown.isEmpty()) {
      return;
    }
    List<String> described = unknown.stream()
        .map(name -> closest(name).map(c -> name + " (did you mean " + c + "?)").orElse(name))
        .toList();
    throw new IllegalArgumentException("unknown Rewind setting" + (unknown.size() == 1 ? "" : "s")
        + " in the environment: " + String.join(", ", described) + "; the settings are listed in " + where);
  }

  /**
   * The environment variable SmallRye reads for a property: every character that is not a letter or a digit
   * becomes an underscore, letters upper case; an indexed list element ({@code [*]}) has none of its own.
   */
  public static String environmentName(String property) {
    String name = property.replace("[*]", "");
    StringBuilder env = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      env.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return env.toString().toUpperCase(Locale.ROOT);
  }

  /**
   * The variables a property may be given in: its name; for a list also each element ({@code NAME_0_}); for a
   * map ({@code rewind.labels.*}) any key.
   */
  private static String pattern(String property) {
    boolean list = property.endsWith("[*]");
    String base = list ? property.substring(0, property.length() - 3) : property;
    String[] parts = base.split("\\*", -1);
    StringBuilder regex = new StringBuilder(Pattern.quote(environmentName(parts[0])));
    for (int i = 1; i < parts.length; i++) {
      regex.append("[A-Z0-9_]+").append(Pattern.quote(environmentName(parts[i])));
    }
    return list ? regex + "(" + INDEX + ")?" : regex.toString();
  }

  private static Set<String> serviceLinkPrefixes(Collection<String> names) {
    Set<String> prefixes = new TreeSet<>();
    for (String name : names) {
      if (name.startsWith(PREFIX) && name.endsWith(SERVICE_HOST) && name.length() > SERVICE_HOST.length()) {
        prefixes.add(name.substring(0, name.length() - SERVICE_HOST.length() + 1));
      }
    }
    return prefixes;
  }

  private static boolean isServiceLink(String name, Set<String> prefixes) {
    return prefixes.stream().anyMatch(p -> name.startsWith(p)
        && SERVICE_LINK.matcher(name.substring(p.length())).matches());
  }
}
