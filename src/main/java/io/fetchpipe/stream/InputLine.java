package io.fetchpipe.stream;

import io.fetchpipe.http.FetchRequest;

/**
 * One line of a batch job's input: a request to send, or why the line is not one.
 *
 * @param index 0-based position among the input's requests (blank and comment lines do not count)
 * @param line 1-based line number in the input
 * @param url the URL as given (trimmed), or null when an invalid line has none
 * @param request what to fetch, or null for an invalid line
 * @param id the line's own {@code id}, as raw JSON text to copy into its output line, or null
 * @param invalid why the line is not a request (its output is an {@code invalid-request} error), or
 *     null for a good line
 */
public record InputLine(
    long index, long line, String url, FetchRequest request, String id, String invalid) {

  /** A good line. */
  public static InputLine of(long index, long line, FetchRequest request) {
    return new InputLine(index, line, request.url(), request, null, null);
  }

  /** A good line with the line's {@code id}. */
  public static InputLine of(long index, long line, FetchRequest request, String id) {
    return new InputLine(index, line, request.url(), request, id, null);
  }

  /** A line that is not a request, and why. */
  public static InputLine invalid(long index, long line, String url, String id, String why) {
    return new InputLine(index, line, url, null, id, why);
  }

  /** The same line with another request (e.g. one that saves its body). */
  public InputLine withRequest(FetchRequest value) {
    return new InputLine(index, line, url, value, id, invalid);
  }
}
