package io.fetchpipe.cli;

import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import org.apache.pekko.actor.typed.ActorSystem;

/** Fetching in this process: one {@link Fetcher}. */
final class LocalBackend implements FetchBackend {
  private final Fetcher fetcher;

  LocalBackend(ActorSystem<?> system, PoolSettings pool, FetchSettings fetch) {
    this.fetcher = Fetcher.create(system, pool, fetch);
  }

  @Override
  public JobPool<FetchRequest, FetchResponse> pool() {
    return fetcher;
  }

  @Override
  public boolean savesHere() {
    return false;
  }

  @Override
  public void close() {
    fetcher.close();
  }
}
