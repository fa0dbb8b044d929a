package io.fetchpipe.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-host counts of a run in bounded memory: at most {@code capacity} hosts at a time, each with
 * exact counts of its lines since it entered the table. When a new host finds the table full, the
 * half of it with the fewest requests is dropped (their lines still count in every total) and the
 * largest request count dropped so far is kept as {@link #dropped()}. So a run over at most {@code
 * capacity} hosts has every host exact; over more, a host with more than {@code dropped()} requests
 * at every drop is never dropped and stays exact, and only hosts whose counts stayed within {@code
 * dropped()} may be missing or short: the top hosts by requests, failures or latency are those of
 * the busy hosts, exact, and approximate only among the many small ones. Not thread-safe: its owner
 * synchronizes.
 */
final class HostTable {
  /** One host's lines. */
  static final class Host {
    final String key;
    long requests;
    long ok;
    long failed;
    final Latencies latencies = Latencies.ofHost();

    private Host(String key) {
      this.key = key;
    }
  }

  private final int capacity;
  private final Map<String, Host> hosts = new HashMap<>();
  private long dropped;

  HostTable(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("at least 2 hosts, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Records one line of {@code key}; {@code millis} is its latency, or negative when no response
   * arrived.
   */
  void record(String key, boolean ok, double millis) {
    Host host = hosts.get(key);
    if (host == null) {
      if (hosts.size() >= capacity) {
        dropHalf();
      }
      host = new Host(key);
      hosts.put(key, host);
    }
    host.requests++;
    if (ok) {
      host.ok++;
    } else {
      host.failed++;
    }
    if (millis >= 0) {
      host.latencies.record(millis);
    }
  }

  private void dropHalf() {
    List<Host> byRequests = new ArrayList<>(hosts.values());
    byRequests.sort(Comparator.comparingLong(host -> host.requests));
    for (Host host : byRequests.subList(0, byRequests.size() - capacity / 2)) {
      dropped = Math.max(dropped, host.requests);
      hosts.remove(host.key);
    }
  }

  /** The largest request count of a host dropped from the table; 0 when none was. */
  long dropped() {
    return dropped;
  }

  /** Hosts in the table now. */
  int size() {
    return hosts.size();
  }

  /** The first {@code count} hosts in {@code order}, ties broken by host. */
  List<Host> top(Comparator<Host> order, int count) {
    return hosts.values().stream()
        .sorted(order.thenComparing(host -> host.key))
        .limit(count)
        .toList();
  }
}
