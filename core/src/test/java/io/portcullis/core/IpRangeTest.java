package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

  @Test
  void parseAddressWhenLiteralsThenBytes() {
    assertThat(IpRange.parseAddress("10.1.2.3")).containsExactly(10, 1, 2, 3);
    assertThat(IpRange.parseAddress("::1")).hasSize(16).endsWith((byte) 1);
    assertThat(IpRange.parseAddress("[::1]")).hasSize(16);
    assertThat(IpRange.parseAddress("2001:db8::")).hasSize(16).startsWith((byte) 0x20, (byte) 1);
    assertThat(IpRange.parseAddress("1:2:3:4:5:6:7:8")).hasSize(16);
    assertThat(IpRange.parseAddress("::ffff:10.0.0.1")).containsExactly(10, 0, 0, 1);
    assertThat(IpRange.parseAddress("64:ff9b::192.0.2.33")).hasSize(16);
  }

  @Test
  void parseAddressWhenNotALiteralThenNull() {
    for (String text :
        new String[] {
          "",
          "localhost",
          "example.com",
          "1.2.3",
          "1.2.3.4.5",
          "256.1.1.1",
          "01.2.3.4",
          "1.2.3.-4",
          ":::",
          "1::2::3",
          "1:2:3:4:5:6:7:8:9",
          "1:2:3:4:5:6:7",
          "12345::",
          "fe80::1%eth0",
          "[1.2.3.4]",
          "1.2.3.4::",
          "g::1",
          ":1",
          "1:"
        }) {
      assertThat(IpRange.parseAddress(text)).as(text).isNull();
    }
  }

  @Test
  void containsWhenCidrThenMatchesOnlyInside() {
    IpRange range = IpRange.parse("10.0.0.0/8");
    assertThat(range.contains("10.255.1.2")).isTrue();
    assertThat(range.contains("::ffff:10.1.1.1")).isTrue();
    assertThat(range.contains("11.0.0.0")).isFalse();
    assertThat(range.contains("not-an-ip")).isFalse();
    assertThat(range.contains("::1")).isFalse();
    IpRange v6 = IpRange.parse("2001:db8::/32");
    assertThat(v6.contains("2001:db8:ffff::1")).isTrue();
    assertThat(v6.contains("2001:db9::1")).isFalse();
    assertThat(IpRange.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
    assertThat(IpRange.parse("192.168.1.10").contains("192.168.1.10")).isTrue();
    assertThat(IpRange.parse("192.168.1.10").contains("192.168.1.11")).isFalse();
    assertThat(IpRange.parse("192.168.1.0/25").contains("192.168.1.127")).isTrue();
    assertThat(IpRange.parse("192.168.1.0/25").contains("192.168.1.128")).isFalse();
  }

  @Test
  void parseWhenBadPrefixOrHostBitsThenSaysWhat() {
    assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).hasMessageContaining("0 to 32");
    assertThatThrownBy(() -> IpRange.parse("10.0.0.0/")).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> IpRange.parse("10.0.0.1/8"))
        .hasMessageContaining("did you mean \"10.0.0.0/8\"");
    assertThatThrownBy(() -> IpRange.parse("proxy.example")).hasMessageContaining("not an IPv4");
  }

  @Test
  void isLoopbackWhenLoopbackHostsThenTrue() {
    assertThat(IpRange.isLoopback("localhost")).isTrue();
    assertThat(IpRange.isLoopback("LOCALHOST")).isTrue();
    assertThat(IpRange.isLoopback("127.0.0.1")).isTrue();
    assertThat(IpRange.isLoopback("127.10.20.30")).isTrue();
    assertThat(IpRange.isLoopback("[::1]")).isTrue();
    assertThat(IpRange.isLoopback("[0:0:0:0:0:0:0:1]")).isTrue();
    assertThat(IpRange.isLoopback("128.0.0.1")).isFalse();
    assertThat(IpRange.isLoopback("127.0.0.1.example.com")).isFalse();
    assertThat(IpRange.isLoopback("localhost.example.com")).isFalse();
    assertThat(IpRange.isLoopback("[::2]")).isFalse();
  }
}
