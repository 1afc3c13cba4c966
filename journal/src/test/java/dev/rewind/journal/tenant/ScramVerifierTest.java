package dev.rewind.journal.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** PostgreSQL accepting the verifier at login is TenantIsolationIT's; here, its form and inputs. */
class ScramVerifierTest {

  private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

  @Test
  void hasPostgresqlsStoredForm() {
    String verifier = ScramVerifier.of("pencil", SALT, 4096);
    assertThat(verifier).matches("SCRAM-SHA-256\\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=");
  }

  /** RFC 7677's example (user "user", password "pencil"): its ServerSignature follows from our ServerKey. */
  @Test
  void serverKeyMatchesTheRfc7677Example() throws Exception {
    String verifier = ScramVerifier.of("pencil", SALT, 4096);
    byte[] serverKey = Base64.getDecoder().decode(verifier.substring(verifier.lastIndexOf(':') + 1));
    String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(serverKey, "HmacSHA256"));
    assertThat(Base64.getEncoder().encodeToString(mac.doFinal(authMessage.getBytes())))
        .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void sameInputsSameVerifierOtherSaltOtherVerifier() {
    assertThat(ScramVerifier.of("a-b_c", SALT, 4096)).isEqualTo(ScramVerifier.of("a-b_c", SALT, 4096))
        .isNotEqualTo(ScramVerifier.of("a-b_c", new byte[16], 4096));
  }

  @Test
  void refusesWhatWouldNeedSaslPrep() {
    assertThatThrownBy(() -> ScramVerifier.of("pässword", SALT, 4096)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScramVerifier.of("with space", SALT, 4096))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatedPasswordsAreUrlSafeAndNeverPrinted() {
    TenantPassword one = TenantPassword.generate();
    assertThat(one.clear()).matches("[A-Za-z0-9_-]{43}");
    assertThat(one.verifier()).startsWith("SCRAM-SHA-256$4096:");
    assertThat(one.toString()).doesNotContain(one.clear());
    assertThat(TenantPassword.generate().clear()).isNotEqualTo(one.clear());
  }
}
