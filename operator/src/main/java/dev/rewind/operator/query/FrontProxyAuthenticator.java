package dev.rewind.operator.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is asking: a request counts only when it comes with a client certificate of the front proxy (signed by the
 * requestheader CA, with an allowed common name); then, and only then, the user, groups and extras in its headers
 * are believed. Anyone else setting {@code X-Remote-User} gets nothing. Pure.
 */
public final class FrontProxyAuthenticator {

  private final RequestHeaderAuthentication trust;

  public FrontProxyAuthenticator(RequestHeaderAuthentication trust) {
    this.trust = trust;
  }

  /**
   * @param chain the client's certificate chain, leaf first; empty when it sent none
   * @param headers all values of a header, by name (case-insensitive), never null
   * @param headerNames every header name of the request
   * @throws QueryException Unauthorized (401) when the request is not the front proxy's or names no user
   */
  public Identity authenticate(List<X509Certificate> chain, Function<String, List<String>> headers,
      Iterable<String> headerNames, Instant now) {
    if (chain.isEmpty()) {
      throw unauthorized("no client certificate: only kube-apiserver's front proxy may call this server");
    }
    verify(chain, now);
    String commonName = commonName(chain.get(0));
    if (!trust.allowedNames().isEmpty() && !trust.allowedNames().contains(commonName)) {
      throw unauthorized("client certificate CN=" + commonName + " is not an allowed requestheader name");
    }
    String user = null;
    for (String header : trust.usernameHeaders()) {
      for (String value : headers.apply(header)) {
        if (user == null && !value.isBlank()) {
          user = value;
        }
      }
    }
    if (user == null) {
      throw unauthorized("no user in " + String.join(", ", trust.usernameHeaders()));
    }
    List<String> groups = new ArrayList<>();
    for (String header : trust.groupHeaders()) {
      groups.addAll(headers.apply(header));
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String name : headerNames) {
      for (String prefix : trust.extraHeaderPrefixes()) {
        if (name.length() > prefix.length() && name.regionMatches(true, 0, prefix, 0, prefix.length())) {
          String key = URLDecoder.decode(name.substring(prefix.length()), StandardCharsets.UTF_8)
              .toLowerCase(Locale.ROOT);
          extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(headers.apply(name));
        }
      }
    }
    return new Identity(user, groups, extra);
  }

  /** Each certificate signed by the next, the last by a requestheader CA; all valid now. */
  private void verify(List<X509Certificate> chain, Instant now) {
    Date at = Date.from(now);
    try {
      for (X509Certificate c : chain) {
        c.checkValidity(at);
      }
      for (int i = 0; i + 1 < chain.size(); i++) {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      }
    } catch (GeneralSecurityException e) {
      throw unauthorized("the client certificate chain is invalid: " + e.getMessage());
    }
    X509Certificate last = chain.get(chain.size() - 1);
    for (X509Certificate ca : trust.clientCas()) {
      if (last.equals(ca)) {
        return;
      }
      try {
        if (last.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
          ca.checkValidity(at);
          last.verify(ca.getPublicKey());
          return;
        }
      } catch (GeneralSecurityException e) {
        // not this CA; try the next
      }
    }
    throw unauthorized("the client certificate is not signed by the requestheader client CA");
  }

  static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // no common name
    }
    return "";
  }

  private static QueryException unauthorized(String message) {
    return new QueryException(401, "Unauthorized", message, null, null);
  }
}
