package io.fetchpipe.http;

/**
 * One URL to fetch, as plain data (it can cross process boundaries).
 *
 * @param index 0-based position among the input's URLs
 * @param line 1-based line number in the input it came from
 * @param url the URL as given, trimmed
 */
public record FetchRequest(int index, long line, String url) {
  /**
   * Longest URL accepted, in UTF-8 bytes (1 MiB). Longer input lines are cut just past it by the
   * line reader and fail as {@code invalid-url}.
   */
  public static final int MAX_URL_BYTES = 1 << 20;
}
