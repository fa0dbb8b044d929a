package io.fetchpipe.cli;

import io.fetchpipe.core.Order;
import io.fetchpipe.stream.JsonLines;
import io.fetchpipe.stream.RequestTemplate;
import java.nio.file.Path;

/**
 * What {@code fetchpipe fetch} was asked to do, checked.
 *
 * @param input the input file, or null for standard input
 * @param jsonl whether each input line is a JSON request object rather than a URL
 * @param template the method, headers and body every request gets unless its line says otherwise
 * @param overrides the settings the command line overrides
 * @param order input or completion order
 * @param failFast cancel the rest at the first error
 * @param output the result file, or null for standard output
 * @param resume keep the results already in the output file
 * @param saveDir where bodies are saved, or null
 * @param body what of each body goes into its line
 * @param includeHeaders put each response's headers into its line
 * @param progress progress bar on stderr
 * @param quiet no summary
 * @param cluster how to coordinate a cluster, or null to fetch in this process alone
 * @param numbers the run's figures to write or serve ({@code --stats}, {@code --report}, {@code
 *     --metrics})
 */
record FetchOptions(
    Path input,
    boolean jsonl,
    RequestTemplate template,
    Overrides overrides,
    Order order,
    boolean failFast,
    Path output,
    boolean resume,
    Path saveDir,
    JsonLines.BodyField body,
    boolean includeHeaders,
    boolean progress,
    boolean quiet,
    ClusterOptions cluster,
    NumbersOptions numbers) {

  /** Whether bodies are held in memory until their line is written. */
  boolean bodiesInLines() {
    return body != JsonLines.BodyField.NONE;
  }
}
