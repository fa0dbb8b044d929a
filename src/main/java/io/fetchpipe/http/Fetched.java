package io.fetchpipe.http;

import io.fetchpipe.core.Outcome;

/**
 * A request together with its outcome: everything one output line needs.
 *
 * @param request what was asked
 * @param outcome what came of it
 */
public record Fetched(FetchRequest request, Outcome<FetchResult> outcome) {}
