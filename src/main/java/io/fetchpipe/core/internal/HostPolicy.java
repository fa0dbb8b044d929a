package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import java.util.function.Function;

/**
 * What a pool's router asks of its requests beyond running them, for limits per key (for fetches:
 * per host): each request's key, what an outcome says about its key's server ({@link
 * HostFeedback}), and, when the key's server must be asked first (for fetches: robots.txt), the
 * request that asks it and how to read its answer. The router reads all of it from requests and
 * outcomes, which are plain data: so in a cluster these decisions are made where every start is
 * decided, whichever node ran the attempt.
 *
 * <p>A policy is the router's key function too: a pool given a {@code HostPolicy} where it takes a
 * key function (the cluster pools' {@code limitKey}) uses the whole policy.
 */
@InternalApi
public interface HostPolicy extends Function<Object, Object> {

  /** The key per-key limits count for {@code request}, or null for none. */
  @Override
  Object apply(Object request);

  /** What {@code outcome} (of a request of this key) says about the key's server. */
  default HostFeedback feedback(Outcome<?> outcome) {
    return HostFeedback.NONE;
  }

  /**
   * Whether, with a rate, the pool's first start goes alone until it has an outcome, the next one
   * spacing after it: a fetcher's first request waits longest (its connection, cold code), and
   * starts spaced behind it would reach their servers together the moment it is through.
   */
  default boolean firstStartAlone() {
    return false;
  }

  /** Whether this policy sends probes at all. */
  default boolean probes() {
    return false;
  }

  /** The request to send before a key's first (when {@link #probes()}). */
  default Object probe(Object key) {
    return null;
  }

  /** What the outcome of a key's probe says the key's server allows. */
  default HostRules rules(Outcome<?> probeOutcome) {
    throw new UnsupportedOperationException("this policy sends no probes");
  }

  /**
   * Most keys whose rules are kept; past it the least recently used are asked again when needed.
   */
  default int maxRuleKeys() {
    return 10_000;
  }

  /** A policy of keys alone: no feedback, no probes. */
  static HostPolicy keyedBy(Function<Object, Object> keyOf) {
    return keyOf instanceof HostPolicy policy ? policy : keyOf::apply;
  }

  /** Implemented by a job handler that brings its own policy (the fetcher's). */
  interface Source {
    /** The policy for pools of this handler. */
    HostPolicy hostPolicy();
  }
}
