package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-host counts for --stats and --report: bounded whatever the number of hosts, exact for the
 * busy ones.
 */
class HostTableTest {

  @Test
  void aCrawlOverTwentyThousandHostsKeepsATableOfBoundedSizeWithTheBusyHostsExact() {
    HostTable table = new HostTable(1000);
    int busy = 20;
    long perBusyHost = 0;
    // 20 busy hosts among 20 000: each busy host gets a line every round, each small one a line now
    // and then.
    for (int round = 0; round < 2_000; round++) {
      for (int b = 0; b < busy; b++) {
        table.record("http://busy-" + b + ":80", b % 2 == 0, 10 + b);
      }
      perBusyHost++;
      for (int s = 0; s < 10; s++) {
        table.record("http://small-" + ((round * 10 + s) % 20_000) + ":80", false, 5);
      }
      assertTrue(table.size() <= 1000, "bounded: " + table.size());
    }
    assertTrue(table.dropped() > 0, "small hosts were dropped");
    assertTrue(table.dropped() < perBusyHost, "never more than a small host had");
    List<HostTable.Host> top =
        table.top(Comparator.comparingLong((HostTable.Host h) -> h.requests).reversed(), busy);
    for (HostTable.Host host : top) {
      assertTrue(host.key.startsWith("http://busy-"), host.key);
      assertEquals(perBusyHost, host.requests, "exact: " + host.key);
      assertEquals(host.key.matches(".*busy-\\d*[02468]:80") ? perBusyHost : 0, host.ok, host.key);
      assertEquals(host.latencies.count(), host.requests);
    }
  }

  @Test
  void withFewerHostsThanItsCapacityEveryHostIsExact() {
    HostTable table = new HostTable(100);
    for (int i = 0; i < 5_000; i++) {
      table.record("h" + (i % 50), i % 3 != 0, -1);
    }
    assertEquals(0, table.dropped());
    assertEquals(50, table.size());
    for (HostTable.Host host : table.top(Comparator.comparing((HostTable.Host h) -> h.key), 50)) {
      assertEquals(100, host.requests);
      assertEquals(0, host.latencies.count(), "no response, no latency");
    }
  }
}
