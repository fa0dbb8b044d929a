package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** robots.txt as RFC 9309 reads it, for the product token {@code fetchpipe}. */
class RobotsTxtTest {

  @Test
  void theGroupNamingFetchpipeWinsOverTheWildcardWhateverItsCaseAndVersion() {
    RobotsRules rules =
        RobotsTxt.parse(
            """
        User-agent: *
        Disallow: /

        User-agent: otherbot
        User-agent: FETCHPIPE/1.0
        Disallow: /private
        """);

    assertTrue(rules.allowsPath("/public"));
    assertFalse(rules.allowsPath("/private/page"));
  }

  @Test
  void groupsNamingFetchpipeAreCombinedAndSoAreWildcardGroups() {
    RobotsRules own =
        RobotsTxt.parse(
            """
        User-agent: fetchpipe
        Disallow: /a
        User-agent: *
        Disallow: /c
        User-agent: fetchpipe
        Disallow: /b
        """);
    assertFalse(own.allowsPath("/a"));
    assertFalse(own.allowsPath("/b"));
    assertTrue(own.allowsPath("/c"), "the wildcard group is not ours when ours exists");

    RobotsRules wildcard =
        RobotsTxt.parse("User-agent: *\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n");
    assertFalse(wildcard.allowsPath("/a"));
    assertFalse(wildcard.allowsPath("/b"));
  }

  @Test
  void noGroupForUsAllowsEverything() {
    assertTrue(RobotsTxt.parse("User-agent: otherbot\nDisallow: /\n").allowsPath("/anything"));
    assertTrue(RobotsTxt.parse("").allowsPath("/anything"));
    assertTrue(
        RobotsTxt.parse("Disallow: /\n").allowsPath("/anything"),
        "rules before any user-agent belong to no group");
  }

  @Test
  void theLongestMatchDecidesAndAllowWinsATie() {
    RobotsRules rules =
        RobotsTxt.parse(
            """
        User-agent: *
        Disallow: /shop
        Allow: /shop/public
        Disallow: /shop/public/secret
        Allow: /tie
        Disallow: /tie
        """);

    assertFalse(rules.allowsPath("/shop/cart"));
    assertTrue(rules.allowsPath("/shop/public/list"));
    assertFalse(rules.allowsPath("/shop/public/secret/x"));
    assertTrue(rules.allowsPath("/tie/x"));
    assertTrue(rules.allowsPath("/elsewhere"));
  }

  @Test
  void wildcardsAndEndAnchorsMatchAsTheRfcSays() {
    RobotsRules rules =
        RobotsTxt.parse(
            """
        User-agent: *
        Disallow: /*.pdf$
        Disallow: /search*q=
        Disallow: /exact$
        """);

    assertFalse(rules.allowsPath("/docs/file.pdf"));
    assertTrue(rules.allowsPath("/docs/file.pdf?download=1"), "$ ends the path and query");
    assertFalse(rules.allowsPath("/search?lang=en&q=x"));
    assertTrue(rules.allowsPath("/search?lang=en"));
    assertFalse(rules.allowsPath("/exact"));
    assertTrue(rules.allowsPath("/exactly"));
  }

  @Test
  void robotsTxtItselfIsAlwaysAllowedAndAnEmptyDisallowSaysNothing() {
    RobotsRules rules = RobotsTxt.parse("User-agent: *\nDisallow: /\n");
    assertTrue(rules.allowsPath("/robots.txt"));
    assertFalse(rules.allowsPath("/index.html"));

    assertTrue(RobotsTxt.parse("User-agent: *\nDisallow:\n").allowsPath("/index.html"));
    assertFalse(RobotsRules.disallowAll("down").allowsPath("/a"));
    assertTrue(RobotsRules.disallowAll("down").allowsPath("/robots.txt"));
  }

  @Test
  void commentsOtherRecordsLineEndsAndAByteOrderMarkAreNoObstacle() {
    RobotsRules rules =
        RobotsTxt.parse(
            "\uFEFFUser-agent: * # everyone\r\nSitemap: https://h/s.xml\r\n"
                + "Disallow: /tmp # scratch\r\nnonsense line\r\nDISALLOW : /old\r\n");

    assertFalse(rules.allowsPath("/tmp/x"));
    assertFalse(rules.allowsPath("/old/x"));
    assertTrue(rules.allowsPath("/new"));
  }

  @Test
  void patternsAndPathsCompareAsSent() {
    RobotsRules rules =
        RobotsTxt.parse(
            "User-agent: *\nDisallow: /café\nDisallow: /a%2fb\nDisallow: /with space\n");

    assertFalse(
        rules.allowsPath("/caf%C3%A9/menu"),
        "a non-ASCII pattern matches the path's UTF-8 escapes");
    assertFalse(
        rules.allowsPath("/caf%c3%a9"), "escapes compare whatever the case of their hex digits");
    assertFalse(rules.allowsPath("/a%2Fb"));
    assertFalse(rules.allowsPath("/with%20space"));
    assertTrue(rules.allowsPath("/cafe"));
  }

  @Test
  void crawlDelayComesFromTheChosenGroup() {
    assertEquals(
        Duration.ofMillis(2500),
        RobotsTxt.parse(
                """
        User-agent: *
        Crawl-delay: 10

        User-agent: fetchpipe
        Crawl-delay: 2.5
        Disallow: /x
        """)
            .crawlDelay());
    assertEquals(
        Duration.ofSeconds(10), RobotsTxt.parse("User-agent: *\nCrawl-delay: 10\n").crawlDelay());
    assertEquals(Duration.ZERO, RobotsTxt.parse("User-agent: *\nCrawl-delay: soon\n").crawlDelay());
    assertEquals(Duration.ZERO, RobotsTxt.parse("User-agent: *\nCrawl-delay: -3\n").crawlDelay());
  }

  @Test
  void aUserAgentLineAfterRulesStartsANewGroup() {
    RobotsRules rules =
        RobotsTxt.parse(
            """
        User-agent: fetchpipe
        Disallow: /mine
        User-agent: otherbot
        Disallow: /theirs
        """);

    assertFalse(rules.allowsPath("/mine"));
    assertTrue(rules.allowsPath("/theirs"));
  }
}
