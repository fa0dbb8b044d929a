package io.fetchpipe.stream;

import io.fetchpipe.http.FetchRequest;

/**
 * One request read from a batch job's input, with where it came from.
 *
 * @param index 0-based position among the input's requests (blank and comment lines do not count)
 * @param line 1-based line number in the input
 * @param request what to fetch
 * @param id the line's own {@code id}, as raw JSON text to copy into its output line, or null
 * @param invalid why the line is not a request (its output is an {@code invalid-request} error),
 *     or null for a good line
 */
public record InputLine(long index, long line, FetchRequest request, String id, String invalid) {

  /** A good line. */
  public static InputLine of(long index, long line, FetchRequest request) {
    return new InputLine(index, line, request, null, null);
  }
}
