package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

  private final AddressPolicy cluster = new AddressPolicy(List.of("10.96.0.0/12"), false);
  private final AddressPolicy standalone = AddressPolicy.standalone();

  @ParameterizedTest(name = "{0}: cluster refuses {1}, standalone refuses {2}")
  @CsvSource({
      "169.254.169.254, true, true",
      "169.254.1.1, true, true",
      "100.100.100.200, true, true",
      "0.0.0.0, true, true",
      "224.0.0.1, true, true",
      "255.255.255.255, true, true",
      "127.0.0.1, true, false",
      "127.8.8.8, true, false",
      "::1, true, false",
      "fe80::1, true, true",
      "fd00:ec2::254, true, true",
      "::ffff:169.254.169.254, true, true",
      "10.96.0.1, true, false",
      "10.112.0.1, false, false",
      "10.0.0.7, false, false",
      "192.168.1.20, false, false",
      "8.8.8.8, false, false",
      "2001:db8::1, false, false"
  })
  void refusesBlockedResolvedAddresses(String address, boolean clusterRefuses, boolean standaloneRefuses)
      throws Exception {
    InetAddress resolved = InetAddress.getByName(address);
    assertThat(cluster.refusalForAddress(resolved) != null).isEqualTo(clusterRefuses);
    assertThat(standalone.refusalForAddress(resolved) != null).isEqualTo(standaloneRefuses);
  }

  @ParameterizedTest(name = "host {0}: cluster refuses {1}")
  @CsvSource({
      "metadata.google.internal, true",
      "METADATA.GOOGLE.INTERNAL, true",
      "instance-data, true",
      "localhost, true",
      "api.localhost, true",
      "169.254.169.254, true",
      "[fe80::1], true",
      "service-b.orders.svc, false",
      "api.example.com, false",
      "10.1.2.3, false"
  })
  void refusesBlockedHostsAsWrittenWithoutResolving(String host, boolean refused) {
    assertThat(cluster.refusalForHost(host) != null).isEqualTo(refused);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "not-an-ip/8", "::/129"})
  void badCidrsAreRefusedWithTheValue(String cidr) {
    assertThatThrownBy(() -> new AddressPolicy(List.of(cidr), false)).hasMessageContaining(cidr);
  }
}
