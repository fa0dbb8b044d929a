package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The no-proxy list's matching rules: names and their subdomains, addresses, ranges, {@code *}. */
class NoProxyListTest {
  @ParameterizedTest(name = "[{index}] {0} vs {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      example.com            | example.com          | true
      example.com            | a.example.com        | true
      example.com            | a.b.example.com      | true
      example.com            | badexample.com       | false
      example.com            | example.com.         | true
      .example.com           | example.com          | true
      .example.com           | a.example.com        | true
      EXAMPLE.COM.           | a.example.com        | true
      a.example.com          | example.com          | false
      127.0.0.1              | 127.0.0.1            | true
      127.0.0.1              | 127.0.0.2            | false
      127.0.0.1              | x.127.0.0.1          | false
      ::1                    | [::1]                | true
      [0:0:0:0:0:0:0:1]      | [::1]                | true
      10.0.0.0/8             | 10.200.3.4           | true
      10.0.0.0/8             | 11.0.0.1             | false
      10.0.0.0/8             | ten.example          | false
      fd00::/8               | [fd12::1]            | true
      fd00::/8               | [fe80::1]            | false
      *                      | anything.at.all      | true
      *                      | 192.0.2.1            | true
      bücher.example         | xn--bcher-kva.example | true
      'a.com, b.com'         | x.b.com              | true
      'a.com b.com'          | b.com                | true
      """)
  void matches(String list, String host, boolean bypasses) {
    assertEquals(bypasses, NoProxyList.of(NoProxyList.split(list)).matches(host));
  }

  @ParameterizedTest
  @CsvSource({"a b/8", "10.0.0.0/33", "exa mple", "http://x/"})
  void entriesThatAreNoHostAreRefused(String entry) {
    assertThrows(IllegalArgumentException.class, () -> NoProxyList.of(List.of(entry)));
  }
}
