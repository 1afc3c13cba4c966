package dev.rewind.api.v1alpha1.route.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationUrlsTest {

  /** The CEL rule's regular expression as the API server runs it (RE2). */
  private static final Pattern RULE = Pattern.compile(DestinationUrls.PATTERN);

  @ParameterizedTest
  @ValueSource(strings = {
      "http://service-b.orders.svc:8080/orders",
      "https://api.example.com/",
      "https://api.example.com",
      "http://a",
      "http://A-1.Example.COM",
      "http://localhost:1",
      "http://localhost:65535/x",
      "http://10.0.0.1:8080",
      "http://255.255.255.255",
      "http://[::1]:8443/hooks",
      "http://[::]",
      "http://[2001:db8::8a2e:370:7334]/",
      "http://[1:2:3:4:5:6:7:8]",
      "http://[1:2:3:4:5:6:7::]",
      "http://[::ffff:192.0.2.1]:80",
      "http://[fe80::1:2]",
      "https://api.example.com/a/b;c=d/~e_f.g!$&'()*+,=:@?q=1&r=%2F/?#frag/?x",
      "https://api.example.com?x=1",
      "https://api.example.com#top",
      "http://1.example.com/%41"
  })
  void acceptsUrlsWithAHostAndAPortInRange(String url) {
    assertThat(DestinationUrls.problem(url)).isNull();
    assertThat(RULE.matcher(url).find()).isTrue();
    URI uri = URI.create(url);
    assertThat(uri.getHost()).as("host of %s", url).isNotNull();
    assertThat(uri.getPort()).isBetween(-1, 65535).isNotZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://service-b.orders.svc:99999/orders",
      "http://service-b.orders.svc:65536",
      "http://service-b.orders.svc:0",
      "http://service-b.orders.svc:08080",
      "http://service-b.orders.svc:",
      "http://service_b.orders.svc:8080/orders",
      "http://-a.example.com",
      "http://a-.example.com",
      "http://a..example.com",
      "http://.example.com",
      "http://example.com.",
      "http://1.2.3.999",
      "http://01.2.3.4",
      "http://1.2.3",
      "http://123",
      "http://example.123",
      "http://[::1",
      "http://[1:2:3:4:5:6:7:8:9]",
      "http://[1::2::3]",
      "http://[12345::1]",
      "http://[fe80::1%25eth0]",
      "http://::1",
      "ftp://files.example.com/orders",
      "HTTP://example.com",
      "http:///orders",
      "https://user:secret@api.example.com/",
      "https://api.example.com/a b",
      "https://api.example.com/a|b",
      "https://api.example.com/%zz",
      "https://api.example.com/#a#b",
      "https://api.example.com/é",
      "https://api.example.com/\n",
      "http://exa mple.com",
      "example.com",
      ""
  })
  void refusesTheRestSayingWhatIsAllowed(String url) {
    assertThat(DestinationUrls.problem(url))
        .startsWith("destination.url must be an absolute http or https URL")
        .contains("an optional port from 1 to 65535")
        .contains("a host of letters, digits, dots and hyphens");
    assertThat(RULE.matcher(url).find()).isFalse();
  }

  @Test
  void aMissingOrOverlongUrlIsNamed() {
    assertThat(DestinationUrls.problem(null)).isEqualTo("destination.url is required");
    assertThat(DestinationUrls.problem("http://a/" + "x".repeat(2040)))
        .isEqualTo("destination.url must be at most 2048 characters long");
  }
}
