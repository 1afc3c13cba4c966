package dev.rewind.operator.webhook.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate that something else manages — cert-manager, typically — read from a mounted Secret directory
 * ({@code tls.crt}, {@code tls.key}). The kubelet updates such a mount in place when the Secret changes, so reading
 * it again on every check picks up a renewal without a restart. The CA bundle is cert-manager's business: its CA
 * injector writes it into the webhook configuration.
 */
public final class MountedCertificates implements CertificateSource {

  private final Path directory;

  public MountedCertificates(Path directory) {
    this.directory = directory;
  }

  @Override
  public ServingCertificate current() {
    Path snapshot = snapshot();
    ServingCertificate certificate =
        new ServingCertificate(read(snapshot, TlsSecret.CERTIFICATE), read(snapshot, TlsSecret.KEY), "");
    // Fails here, with the file named, rather than in the TLS handshake of the API server's first call.
    certificate.leaf();
    return certificate;
  }

  @Override
  public boolean providesCaBundle() {
    return false;
  }

  /**
   * The kubelet writes a Secret volume as a timestamped directory behind the symlink {@code ..data} and swaps the
   * link; reading both files through the resolved link gives a certificate and key of the same version, never the
   * new certificate with the old key. A plain directory (no {@code ..data}) is read as it is.
   */
  private Path snapshot() {
    Path data = directory.resolve("..data");
    if (!Files.isSymbolicLink(data)) {
      return directory;
    }
    try {
      return data.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve the mounted Secret version " + data, e);
    }
  }

  private String read(Path snapshot, String file) {
    Path path = snapshot.resolve(file);
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the webhook certificate file " + path
          + " (mount the cert-manager Secret there, or set rewind.injector.tls.cert-dir)", e);
    }
  }
}
