import io.fetchpipe.http.internal.ConnectionCache;
import io.fetchpipe.http.internal.ConnectionLayer;
import io.fetchpipe.http.internal.FetchClient;
import io.fetchpipe.http.internal.TargetUrl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Candidate (c) of bench/layers.sh: the connection cache for hosts with little going on, a host
 * pool ({@link HostPoolLayer}) for a host with a backlog: a request goes to its host's pool when
 * {@link #BACKLOG} or more requests to that host are already in flight, to the cache otherwise.
 */
final class HybridLayer implements ConnectionLayer {
  /** Requests in flight to one host from which a further one goes to the host's pool. */
  static final int BACKLOG = 2;

  private final ConnectionCache cache;
  private final HostPoolLayer pools;
  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  HybridLayer(FetchClient.LayerSetup setup) {
    this.cache = (ConnectionCache) FetchClient.Layers.CACHE.create(setup);
    this.pools = HostPoolLayer.create(setup);
  }

  @Override
  public CompletionStage<Connection> acquire(TargetUrl target, boolean fresh) {
    String key = target.hostKey();
    int[] before = new int[1];
    inFlight.compute(
        key,
        (k, count) -> {
          AtomicInteger counted = count == null ? new AtomicInteger() : count;
          before[0] = counted.getAndIncrement();
          return counted;
        });
    ConnectionLayer layer = before[0] >= BACKLOG ? pools : cache;
    return layer
        .acquire(target, fresh)
        .handle(
            (connection, error) -> {
              if (error != null) {
                done(key);
                throw error instanceof RuntimeException e ? e : new IllegalStateException(error);
              }
              return (Connection)
                  new Connection() {
                    @Override
                    public CompletionStage<HttpResponse> send(HttpRequest request) {
                      return connection.send(request);
                    }

                    @Override
                    public boolean reused() {
                      return connection.reused();
                    }

                    @Override
                    public void release(boolean reusable) {
                      connection.release(reusable);
                      done(key);
                    }
                  };
            });
  }

  private void done(String key) {
    inFlight.computeIfPresent(key, (k, count) -> count.decrementAndGet() == 0 ? null : count);
  }

  @Override
  public void sweep() {
    cache.sweep();
    pools.sweep();
  }

  @Override
  public int openConnections() {
    return cache.openConnections() + pools.openConnections();
  }

  @Override
  public int openHosts() {
    return cache.openHosts() + pools.openHosts();
  }

  @Override
  public CompletionStage<Done> shutdown(Duration grace) {
    return CompletableFuture.allOf(
            cache.shutdown(grace).toCompletableFuture(),
            pools.shutdown(grace).toCompletableFuture())
        .thenApply(done -> Done.getInstance());
  }
}
