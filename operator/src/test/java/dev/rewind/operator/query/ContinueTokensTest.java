package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.query.ContinueTokens.Position;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContinueTokensTest {

  private static final String FILTERS = ContinueTokens.filters("spec.route=a", "2h", null);

  @Test
  void aTokenCarriesThePositionAndTheResolvedWindow() {
    Position position = new Position(UUID.randomUUID(), Instant.ofEpochMilli(1_700_000_000_123L), null);
    String token = ContinueTokens.encode(position, FILTERS);
    assertThat(token).matches("[A-Za-z0-9_-]+");
    assertThat(ContinueTokens.decode(token, FILTERS)).isEqualTo(position);
  }

  @Test
  void aTokenOfOtherFiltersIsRefused() {
    String token = ContinueTokens.encode(new Position(UUID.randomUUID(), null, null), FILTERS);
    for (String other : new String[] {ContinueTokens.filters("spec.route=b", "2h", null),
        ContinueTokens.filters("spec.route=a", "3h", null), ContinueTokens.filters("spec.route=a", "2h", "1h"),
        ContinueTokens.filters("", null, null)}) {
      assertThatThrownBy(() -> ContinueTokens.decode(token, other)).isInstanceOfSatisfying(QueryException.class,
          e -> assertThat(e.getMessage()).startsWith("continue: ").contains("other filters"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage!", "bm90IGEgdG9rZW4", "", "ZTF8bm90LWEtdXVpZHx8fHg"})
  void malformedTokensAreRefusedNamingContinue(String token) {
    assertThatThrownBy(() -> ContinueTokens.decode(token, FILTERS)).isInstanceOfSatisfying(QueryException.class,
        e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("continue: the token is invalid");
        });
  }

  @Test
  void aForgedIdIsRefused() {
    String valid = new String(Base64.getUrlDecoder().decode(
        ContinueTokens.encode(new Position(UUID.randomUUID(), null, null), FILTERS)), StandardCharsets.UTF_8);
    String forged = valid.replaceFirst("\\|[^|]+\\|", "|not-a-uuid|");
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> ContinueTokens.decode(token, FILTERS)).isInstanceOf(QueryException.class)
        .hasMessageContaining("continue");
  }
}
