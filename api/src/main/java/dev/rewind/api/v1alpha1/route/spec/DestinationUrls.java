package dev.rewind.api.v1alpha1.route.spec;

import java.util.regex.Pattern;

/**
 * The grammar of a destination URL, shared by the CRD's CEL rule (admission) and {@link #problem} (the operator,
 * the sidecar's file routes, replay overrides): both give the same answer for every string.
 *
 * <p>It is stricter than "what java.net.URI parses" on purpose: URI quietly falls back to a host-less authority
 * for hosts such as {@code a_b} or {@code 1.2.3.999}, and takes any port number. Every URL this grammar accepts
 * has a host and a port from 1 to 65535 for URI and for Go alike.
 */
public final class DestinationUrls {

  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
  /** The last label starts with a letter, as java.net.URI demands of a dotted name that is not an IPv4 address. */
  private static final String TOP_LABEL = "[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?";
  private static final String HOST_NAME = "(" + LABEL + "[.])*" + TOP_LABEL;
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String IPV4 = OCTET + "[.]" + OCTET + "[.]" + OCTET + "[.]" + OCTET;
  private static final String H16 = "[0-9A-Fa-f]{1,4}";
  private static final String LS32 = "(" + H16 + ":" + H16 + "|" + IPV4 + ")";
  /** RFC 3986's IPv6address, alternative by alternative. */
  private static final String IPV6 = "("
      + "(" + H16 + ":){6}" + LS32
      + "|::(" + H16 + ":){5}" + LS32
      + "|(" + H16 + ")?::(" + H16 + ":){4}" + LS32
      + "|((" + H16 + ":){0,1}" + H16 + ")?::(" + H16 + ":){3}" + LS32
      + "|((" + H16 + ":){0,2}" + H16 + ")?::(" + H16 + ":){2}" + LS32
      + "|((" + H16 + ":){0,3}" + H16 + ")?::" + H16 + ":" + LS32
      + "|((" + H16 + ":){0,4}" + H16 + ")?::" + LS32
      + "|((" + H16 + ":){0,5}" + H16 + ")?::" + H16
      + "|((" + H16 + ":){0,6}" + H16 + ")?::"
      + ")";
  /** A host: a DNS name, an IPv4 address or a bracketed IPv6 literal (shared with Kafka bootstrap servers). */
  public static final String HOST = "(" + IPV4 + "|" + HOST_NAME + "|\\[" + IPV6 + "\\])";
  /** 1 to 65535, without leading zeros. */
  public static final String PORT =
      "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9][0-9]|6[0-4][0-9][0-9][0-9]|[1-5][0-9][0-9][0-9][0-9]"
          + "|[1-9][0-9]?[0-9]?[0-9]?)";
  /** An RFC 3986 path, query or fragment character: unreserved, sub-delimiter, : or @, or a %-escape. */
  private static final String PCHAR = "([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f][0-9A-Fa-f])";
  private static final String PATH = "(/(" + PCHAR + "|/)*)?";
  private static final String QUERY = "([?](" + PCHAR + "|[/?])*)?";
  private static final String FRAGMENT = "(#(" + PCHAR + "|[/?])*)?";

  /** The whole grammar, anchored. */
  public static final String PATTERN = "^https?://" + HOST + "(:" + PORT + ")?" + PATH + QUERY + FRAGMENT + "$";

  /** The CEL rule of {@code destination.url}; a raw string, so the pattern's backslashes reach the regex as is. */
  public static final String RULE = "self.matches(r\"" + PATTERN + "\")";

  /** What the grammar allows, in words: the CEL rule's message and the start of every refusal here. */
  public static final String MESSAGE = "destination.url must be an absolute http or https URL: a host of letters,"
      + " digits, dots and hyphens (labels neither start nor end with a hyphen, the last one starts with a letter),"
      + " an IPv4 address or a bracketed IPv6 literal; an optional port from 1 to 65535 without leading zeros;"
      + " no user name or password; path, query and fragment of URL characters and %-escapes only; for example"
      + " http://service-b.orders.svc:8080/orders";

  /** Longest URL accepted, as the CRD's maxLength says. */
  public static final int MAX_LENGTH = 2048;

  private static final Pattern WHOLE = Pattern.compile(PATTERN);

  private DestinationUrls() {}

  /** Whether {@code url} is in the grammar, the same answer the CEL rule gives. */
  public static boolean isValid(String url) {
    return url != null && WHOLE.matcher(url).matches();
  }

  /** Why {@code url} is not a destination, naming destination.url, or null when it is one. */
  public static String problem(String url) {
    if (url == null) {
      return "destination.url is required";
    }
    if (url.codePointCount(0, url.length()) > MAX_LENGTH) {
      return "destination.url must be at most " + MAX_LENGTH + " characters long";
    }
    return isValid(url) ? null : MESSAGE + "; got \"" + url + "\"";
  }
}
