package io.fetchpipe.http;

/**
 * One URL to fetch, as plain data (it can cross process boundaries).
 *
 * @param index 0-based position among the input's URLs
 * @param line 1-based line number in the input it came from
 * @param url the URL as given, trimmed
 */
public record FetchRequest(int index, long line, String url) {}
