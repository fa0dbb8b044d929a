package io.fetchpipe.core;

/**
 * A request together with its outcome: what a {@link JobPool#flow} emits, so a stream stage
 * downstream knows what each outcome answers.
 *
 * @param request what was asked
 * @param outcome what came of it
 * @param <Q> the request type
 * @param <R> the result type
 */
public record Completed<Q, R>(Q request, Outcome<R> outcome) {}
