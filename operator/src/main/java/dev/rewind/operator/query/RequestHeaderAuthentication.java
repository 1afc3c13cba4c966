package dev.rewind.operator.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whom an extension API server trusts to pass users on, as kube-apiserver publishes it in the ConfigMap
 * {@code kube-system/extension-apiserver-authentication}: the CA of the front proxy's client certificate, the
 * common names it may have (none listed: any) and the headers that carry the user.
 */
public record RequestHeaderAuthentication(List<X509Certificate> clientCas, Set<String> allowedNames,
    List<String> usernameHeaders, List<String> groupHeaders, List<String> extraHeaderPrefixes) {

  public static final String NAMESPACE = "kube-system";
  public static final String CONFIG_MAP = "extension-apiserver-authentication";

  private static final ObjectMapper JSON = new ObjectMapper();

  public RequestHeaderAuthentication {
    clientCas = List.copyOf(clientCas);
    allowedNames = Set.copyOf(allowedNames);
    usernameHeaders = List.copyOf(usernameHeaders);
    groupHeaders = List.copyOf(groupHeaders);
    extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
    if (clientCas.isEmpty()) {
      throw new IllegalArgumentException("no requestheader client CA: kube-apiserver runs without the aggregation"
          + " layer (--requestheader-client-ca-file)");
    }
    if (usernameHeaders.isEmpty()) {
      throw new IllegalArgumentException("no requestheader username header (--requestheader-username-headers)");
    }
  }

  /** From the ConfigMap's data; the lists are JSON arrays of strings. */
  public static RequestHeaderAuthentication fromConfigMap(Map<String, String> data) {
    String ca = data == null ? null : data.get("requestheader-client-ca-file");
    if (ca == null || ca.isBlank()) {
      throw new IllegalArgumentException("ConfigMap " + NAMESPACE + "/" + CONFIG_MAP
          + " has no requestheader-client-ca-file: kube-apiserver runs without the aggregation layer");
    }
    return new RequestHeaderAuthentication(certificates(ca), Set.copyOf(strings(data,
        "requestheader-allowed-names")), strings(data, "requestheader-username-headers"),
        strings(data, "requestheader-group-headers"), strings(data, "requestheader-extra-headers-prefix"));
  }

  /** The client CAs in PEM, for the server's trust. */
  public String clientCaPem() {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : clientCas) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode " + c.getSubjectX500Principal(), e);
      }
    }
    return pem.toString();
  }

  private static List<String> strings(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    try {
      return JSON.readValue(value, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("ConfigMap " + NAMESPACE + "/" + CONFIG_MAP + ": " + key
          + " is not a JSON array of strings: " + value, e);
    }
  }

  /** Every certificate of a PEM bundle. */
  static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> list = new ArrayList<>();
      CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> list.add((X509Certificate) c));
      return list;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("ConfigMap " + NAMESPACE + "/" + CONFIG_MAP
          + ": requestheader-client-ca-file holds no readable PEM certificates", e);
    }
  }
}
