package dev.rewind.journal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlsTest {

  @ParameterizedTest(name = "{0} + \"{1}\" ? {2} = {3}")
  @CsvSource(nullValues = "null", value = {
      "http://b/orders, '', null, http://b/orders",
      "http://b/orders, /, null, http://b/orders",
      "http://b/orders, /42, null, http://b/orders/42",
      "http://b/orders/, 42/lines, null, http://b/orders/42/lines",
      "http://b, /orders/42, null, http://b/orders/42",
      "http://b, '', null, http://b/",
      "http://b:8080/, //x, null, http://b:8080/x",
      "http://b/orders, /42, a=1&b=2, http://b/orders/42?a=1&b=2",
      "http://b/orders?tenant=t1, /42, a=1, http://b/orders/42?tenant=t1&a=1",
      "http://b/orders?tenant=t1, '', null, http://b/orders?tenant=t1",
      "https://user-api.example.com/v2/hook, /%20x, null, https://user-api.example.com/v2/hook/%20x"
  })
  void joinsDestinationSuffixAndQuery(String destination, String suffix, String query, String expected) {
    assertThat(Urls.join(destination, suffix, query)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../admin", "/a/../../b", "..", "/%2e%2e/x", "/%2E%2E"})
  void refusesToClimbOutOfTheDestinationPath(String suffix) {
    assertThatThrownBy(() -> Urls.join("http://b/orders", suffix, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
  }
}
