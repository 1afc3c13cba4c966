package dev.rewind.journal.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Server-side request forgery guard for destinations. A Route or Replay is written by people who may not be
 * trusted with the network position of the sidecar or operator, so delivery refuses addresses that reach cloud
 * metadata services, link-local and unspecified ranges — checked on the literal host when a Route is admitted and
 * again on every resolved address at delivery time, so DNS cannot be used to sneak past the first check.
 *
 * <p>Loopback is refused in a cluster (from the operator it reaches the operator's own endpoints) and allowed
 * standalone, where the destination is usually a local service.
 */
public final class AddressPolicy {

  /** Always refused: link-local (cloud metadata lives there), unspecified, multicast and broadcast. */
  public static final List<String> DEFAULT_BLOCKED = List.of(
      "169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8", "255.255.255.255/32",
      "100.100.100.200/32", "fd00:ec2::254/128");

  private static final Set<String> METADATA_HOSTS = Set.of(
      "metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal");

  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
      "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
  private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("^[0-9a-fA-F:.]+$");

  private final List<Cidr> blocked;
  private final boolean allowLoopback;

  public AddressPolicy(List<String> extraBlocked, boolean allowLoopback) {
    List<Cidr> all = new ArrayList<>();
    DEFAULT_BLOCKED.forEach(c -> all.add(Cidr.parse(c)));
    extraBlocked.forEach(c -> all.add(Cidr.parse(c)));
    this.blocked = List.copyOf(all);
    this.allowLoopback = allowLoopback;
  }

  public static AddressPolicy standalone() {
    return new AddressPolicy(List.of(), true);
  }

  public static AddressPolicy cluster() {
    return new AddressPolicy(List.of(), false);
  }

  /**
   * The policy of a process configured the way the sidecar is ({@code rewind.delivery.allow-loopback},
   * {@code rewind.delivery.blocked-cidrs}), with the sidecar's defaults: loopback allowed standalone and refused in
   * a cluster unless {@code allowLoopback} says otherwise; {@link #DEFAULT_BLOCKED} always, plus
   * {@code extraBlocked}. One construction for every process that delivers (sidecar, {@code rewind replay}), so
   * a replay from the command line cannot send events where the sidecar would refuse to.
   *
   * @throws IllegalArgumentException naming the entry of {@code extraBlocked} that is not a CIDR range
   */
  public static AddressPolicy configured(boolean cluster, Optional<Boolean> allowLoopback, List<String> extraBlocked) {
    return new AddressPolicy(extraBlocked, allowLoopback.orElse(!cluster));
  }

  /** Why the host as written is refused, or null. Resolves nothing: names are checked again at delivery. */
  public String refusalForHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (METADATA_HOSTS.contains(h) || h.endsWith(".metadata.google.internal")) {
      return "host " + host + " is a cloud metadata service";
    }
    if (!allowLoopback && (h.equals("localhost") || h.endsWith(".localhost"))) {
      return "host " + host + " is loopback";
    }
    InetAddress literal = literal(h);
    return literal == null ? null : refusalForAddress(literal);
  }

  /** Why connecting to this resolved address is refused, or null. */
  public String refusalForAddress(InetAddress address) {
    if (address.isLoopbackAddress() && !allowLoopback) {
      return "address " + address.getHostAddress() + " is loopback";
    }
    for (Cidr cidr : blocked) {
      if (cidr.contains(address)) {
        return "address " + address.getHostAddress() + " is in blocked range " + cidr;
      }
    }
    return null;
  }

  /** The address of an IP literal, or null for a name (never does a DNS lookup). */
  static InetAddress literal(String host) {
    boolean ipv4 = IPV4.matcher(host).matches();
    boolean ipv6 = host.contains(":") && IPV6.matcher(host).matches();
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  record Cidr(byte[] network, int prefix, String text) {

    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("\"" + text + "\" is not a CIDR range such as 10.0.0.0/8");
      }
      InetAddress address = literal(text.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("\"" + text + "\" is not a CIDR range such as 10.0.0.0/8");
      }
      int prefix = Integer.parseInt(text.substring(slash + 1));
      int bits = address.getAddress().length * 8;
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("\"" + text + "\" has a prefix outside 0.." + bits);
      }
      return new Cidr(address.getAddress(), prefix, text);
    }

    boolean contains(InetAddress address) {
      byte[] candidate = address.getAddress();
      if (address instanceof Inet6Address v6 && network.length == 4) {
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address for our purposes.
        byte[] raw = v6.getAddress();
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
          mapped &= raw[i] == 0;
        }
        mapped &= raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
        if (!mapped) {
          return false;
        }
        candidate = new byte[] {raw[12], raw[13], raw[14], raw[15]};
      } else if (address instanceof Inet4Address != (network.length == 4)) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (candidate[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
