package dev.rewind.operator.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cert-manager mode: the Secret as the kubelet mounts it, read again after the kubelet swaps it. */
class MountedCertificatesTest {

  @TempDir
  Path mount;

  @Test
  void readsTheMountedSecretAndPicksUpARenewalOnTheNextRead() throws IOException {
    ServingCertificate first = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(90), Instant.now(), "");
    ServingCertificate second = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(90), Instant.now(), "");
    kubeletWrites(first, "..2026_01_01_00_00_00.1");
    MountedCertificates source = new MountedCertificates(mount);

    assertThat(source.current().certificatePem()).isEqualTo(first.certificatePem());
    assertThat(source.providesCaBundle()).isFalse();

    kubeletWrites(second, "..2026_03_01_00_00_00.2");

    ServingCertificate reread = source.current();
    assertThat(reread.certificatePem()).isEqualTo(second.certificatePem());
    assertThat(reread.privateKeyPem()).isEqualTo(second.privateKeyPem());
    assertThat(reread.caBundlePem()).isEmpty();
  }

  @Test
  void aPlainDirectoryIsReadAsItIs() throws IOException {
    ServingCertificate certificate = CertificateIssuer.issue(List.of("a.svc"), Duration.ofDays(1), Instant.now(), "");
    Files.writeString(mount.resolve("tls.crt"), certificate.certificatePem());
    Files.writeString(mount.resolve("tls.key"), certificate.privateKeyPem());

    assertThat(new MountedCertificates(mount).current().certificatePem()).isEqualTo(certificate.certificatePem());
  }

  @Test
  void aMissingMountNamesTheFileAndTheKey() {
    assertThatThrownBy(() -> new MountedCertificates(mount).current()).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(mount.resolve("tls.crt").toString()).hasMessageContaining("rewind.injector.tls.cert-dir");
  }

  /** What the kubelet does: a new timestamped directory, then an atomic swap of the ..data link. */
  private void kubeletWrites(ServingCertificate certificate, String version) throws IOException {
    Path dir = Files.createDirectory(mount.resolve(version));
    Files.writeString(dir.resolve("tls.crt"), certificate.certificatePem());
    Files.writeString(dir.resolve("tls.key"), certificate.privateKeyPem());
    Path next = Files.createSymbolicLink(mount.resolve("..data_tmp"), dir.getFileName());
    Files.move(next, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String file : List.of("tls.crt", "tls.key")) {
      if (!Files.exists(mount.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(mount.resolve(file), Path.of("..data", file));
      }
    }
  }
}
