package io.portcullis.core;

import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An IP address or CIDR range, parsed from literals only: nothing here ever resolves a host name.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) are treated as the IPv4 address they carry.
 */
final class IpRange {

  private final byte[] network;
  private final int prefixLength;

  private IpRange(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code 2001:db8::1}, {@code [2001:db8::1]} or
   * {@code 2001:db8::/32}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static IpRange parse(String text) {
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    byte[] address = parseAddress(addressText);
    if (address == null) {
      throw new IllegalArgumentException("\"" + addressText + "\" is not an IPv4 or IPv6 address");
    }
    int bits = address.length * 8;
    if (slash < 0) {
      return new IpRange(address, bits);
    }
    String prefixText = text.substring(slash + 1);
    int prefix = -1;
    if (!prefixText.isEmpty()
        && prefixText.length() <= 3
        && prefixText.chars().allMatch(IpRange::isDigit)) {
      prefix = Integer.parseInt(prefixText);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException(
          "prefix length \"" + prefixText + "\" is not a number from 0 to " + bits);
    }
    byte[] network = mask(address, prefix);
    if (!Arrays.equals(network, address)) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" has bits set after the prefix; did you mean \""
              + format(network)
              + "/"
              + prefix
              + "\"?");
    }
    return new IpRange(network, prefix);
  }

  /** Returns true when {@code address} (a literal, never a host name) lies in this range. */
  boolean contains(String address) {
    byte[] bytes = parseAddress(address);
    return bytes != null
        && bytes.length == network.length
        && Arrays.equals(mask(bytes, prefixLength), network);
  }

  /** Returns true when {@code host}, as in {@link java.net.URI#getHost()}, is a loopback host. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    byte[] address = parseAddress(host);
    if (address == null) {
      return false;
    }
    if (address.length == 4) {
      return address[0] == 127;
    }
    byte[] loopback = new byte[16];
    loopback[15] = 1;
    return Arrays.equals(address, loopback);
  }

  /**
   * Returns the 4 or 16 bytes of an IPv4 or IPv6 literal (brackets allowed around IPv6, no zone
   * id), or null when {@code text} is not one.
   */
  static byte @Nullable [] parseAddress(String text) {
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
      if (s.indexOf(':') < 0) {
        return null;
      }
    }
    byte[] result = s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
    if (result != null && result.length == 16 && isIpv4Mapped(result)) {
      return Arrays.copyOfRange(result, 12, 16);
    }
    return result;
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
  }

  private static byte @Nullable [] parseIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      // Leading zeros are refused: some parsers read them as octal.
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(IpRange::isDigit)
          || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  /** RFC 4291 §2.2 text forms: eight groups, one {@code ::}, an optional trailing IPv4. */
  private static byte @Nullable [] parseIpv6(String s) {
    int[] groups = new int[8];
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon < 0 ? s : s.substring(0, doubleColon);
    String tail = doubleColon < 0 ? "" : s.substring(doubleColon + 2);
    int[] headGroups = groups(head, doubleColon < 0);
    int[] tailGroups = doubleColon < 0 ? new int[0] : groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int explicit = headGroups.length + tailGroups.length;
    if (doubleColon < 0 ? explicit != 8 : explicit > 7) {
      return null;
    }
    System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[2 * i] = (byte) (groups[i] >> 8);
      bytes[2 * i + 1] = (byte) groups[i];
    }
    return bytes;
  }

  /** Parses colon-separated hex groups; the last may be an IPv4 literal when allowed. */
  private static int @Nullable [] groups(String s, boolean ipv4AllowedAtEnd) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    boolean ipv4 = ipv4AllowedAtEnd && parts[parts.length - 1].indexOf('.') >= 0;
    int[] groups = new int[parts.length + (ipv4 ? 1 : 0)];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (ipv4 && i == parts.length - 1) {
        byte[] v4 = parseIpv4(part);
        if (v4 == null) {
          return null;
        }
        groups[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
      } else {
        if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(IpRange::isHex)) {
          return null;
        }
        groups[i] = Integer.parseInt(part, 16);
      }
    }
    return groups;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      masked[i] &= (byte) (0xff00 >> keep);
    }
    return masked;
  }

  private static String format(byte[] address) {
    StringBuilder text = new StringBuilder();
    if (address.length == 4) {
      for (int i = 0; i < 4; i++) {
        text.append(i == 0 ? "" : ".").append(address[i] & 0xff);
      }
    } else {
      for (int i = 0; i < 8; i++) {
        int group = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        text.append(i == 0 ? "" : ":").append(Integer.toHexString(group));
      }
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
