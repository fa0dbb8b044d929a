package io.fetchpipe.stream;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchResponse;

/**
 * What one output line says: the input line and the outcome of its request.
 *
 * @param input the line read
 * @param outcome what came of its request
 */
public record ResultLine(InputLine input, Outcome<FetchResponse> outcome) {}
