package io.fetchpipe.http;

/**
 * What a fetch got back: a response arrived (any status, unless statuses are raised as errors).
 *
 * @param status the HTTP status code
 * @param bytes body bytes read
 * @param finalUrl the URL of the last hop when redirects were followed, or null when none were
 * @param attempts requests started for this URL, retries included
 */
public record FetchResult(int status, long bytes, String finalUrl, int attempts) {}
