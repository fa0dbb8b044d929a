package io.fetchpipe.stream;

import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Order;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The middle of a batch job: input lines in ({@link UrlLines}, {@link JsonRequests}), one {@link
 * ResultLine} per line out, fetched by a {@code Fetcher} (or any pool of fetch requests, a
 * cluster's too) under its limits, for {@link ResultSink} or any sink of the application's.
 *
 * <pre>{@code
 * UrlLines.fromPath(urls)
 *     .via(FetchLines.flow(fetcher, Order.INPUT, 1024))
 *     .runWith(ResultSink.toPath(results, ResultSink.Options.defaults()), system);
 * }</pre>
 *
 * <p>A line that is no request ({@link InputLine#invalid()}: a JSON line without a {@code url},
 * say) never reaches the fetcher: its result is a failure of kind {@code invalid-request} whose
 * message is the line's own reason, in the line's place. Each result carries its line's index; in
 * {@link Order#INPUT input order} results come out as the lines came in (a slow line holds back at
 * most {@code window} others), in {@link Order#COMPLETION completion order} as they are done.
 */
public final class FetchLines {
  private FetchLines() {}

  /**
   * Lines to results, fetched by {@code fetcher}, at most {@code window} lines in the stage at
   * once.
   */
  public static Flow<InputLine, ResultLine, NotUsed> flow(
      JobPool<FetchRequest, FetchResponse> fetcher, Order order, int window) {
    return flow(fetcher, order, window, GatherOptions.defaults());
  }

  /**
   * Lines to results with per-run options: a timeout per attempt, a deadline for the whole run
   * (from its start), fail-fast (the first failed line, an invalid one too, cancels the rest; each
   * line still gets its result).
   */
  public static Flow<InputLine, ResultLine, NotUsed> flow(
      JobPool<FetchRequest, FetchResponse> fetcher,
      Order order,
      int window,
      GatherOptions options) {
    return Flow.<InputLine>create()
        .map(line -> Pair.create(line.request(), line))
        .via(
            fetcher
                .<InputLine>flowWithContext(order, window, options, FetchLines::invalid)
                .asFlow())
        .map(done -> new ResultLine(done.second(), done.first()));
  }

  private static FetchFailure invalid(InputLine line) {
    return new FetchFailure(FetchErrorKind.INVALID_REQUEST, line.invalid(), 0);
  }
}
