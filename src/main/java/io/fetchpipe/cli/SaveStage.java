package io.fetchpipe.cli;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.ResponseBody;
import io.fetchpipe.stream.InputLine;
import io.fetchpipe.stream.ResultLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * {@code --save}: every body ends up in {@code DIR/<index>.body}, complete before its line is
 * written. Fetched here, a body streams to its file as it arrives; fetched by a cluster's workers,
 * it comes back in memory and is written here, under a temporary name first. A body that cannot be
 * written ends the run: a line must never name a file that is missing or short.
 */
final class SaveStage {
  private static final int PARALLEL_WRITES = 4;

  private final Path dir;
  private final boolean here;
  private final Executor blocking;

  SaveStage(Path dir, boolean savesHere, ActorSystem<?> system) {
    this.dir = dir;
    this.here = savesHere;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** The line with its request reading the body as saving needs. */
  InputLine prepare(InputLine line) {
    if (dir == null || line.invalid() != null) {
      return line;
    }
    ReadAs readAs = here ? ReadAs.bytes() : ReadAs.file(SaveDirectory.fileFor(dir, line.index()));
    return line.withRequest(line.request().readAs(readAs));
  }

  /**
   * The stage between the fetch and the output: writes the bodies (if here) and checks each was
   * saved.
   */
  Flow<ResultLine, ResultLine, NotUsed> flow() {
    if (dir == null) {
      return Flow.create();
    }
    if (!here) {
      return Flow.<ResultLine>create().map(SaveStage::checkSaved);
    }
    // Written in order (mapAsync keeps it) on the blocking dispatcher, a few at a time.
    return Flow.<ResultLine>create()
        .mapAsync(
            PARALLEL_WRITES,
            result -> CompletableFuture.supplyAsync(() -> write(result), blocking));
  }

  /** A body the fetch could not write ends the run. */
  private static ResultLine checkSaved(ResultLine result) {
    if (result.outcome() instanceof Outcome.Failure<FetchResponse> failure
        && failure.kind().equals(FetchErrorKind.WRITE)) {
      throw new OutputFailed(failure.message(), ErrorKind.unwrap(failure.cause()));
    }
    return result;
  }

  private ResultLine write(ResultLine result) {
    Outcome<FetchResponse> outcome = result.outcome();
    if (outcome instanceof Outcome.Success<FetchResponse> success) {
      FetchResponse saved = save(success.value(), result.input().index());
      return new ResultLine(
          result.input(),
          Outcome.success(outcome.index(), saved, outcome.startedAt(), outcome.finishedAt()));
    }
    Outcome.Failure<FetchResponse> failure = (Outcome.Failure<FetchResponse>) outcome;
    if (failure.cause() instanceof FetchFailure fetch && fetch.response() != null) {
      FetchFailure saved =
          new FetchFailure(
              fetch.kind(),
              fetch.getMessage(),
              fetch.attempts(),
              save(fetch.response(), result.input().index()),
              fetch.getCause());
      return new ResultLine(
          result.input(),
          Outcome.failure(
              failure.index(),
              failure.kind(),
              failure.message(),
              saved,
              failure.startedAt(),
              failure.finishedAt()));
    }
    return result;
  }

  private FetchResponse save(FetchResponse response, long index) {
    if (!(response.body() instanceof ResponseBody.InMemory memory)) {
      return response;
    }
    Path file = SaveDirectory.fileFor(dir, index);
    Path partial = file.resolveSibling("." + file.getFileName() + ".part");
    try {
      Files.write(partial, memory.bytes().toArray());
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // the run stops on the first error; a left-over temporary file is removed by the next run
      }
      throw new OutputFailed("cannot write " + file + ": " + Inputs.reason(e), e);
    }
    return response.withBody(new ResponseBody.Saved(file));
  }
}
