/**
 * The {@code fetchpipe} command line (picocli): {@code fetch}, {@code worker}, {@code serve},
 * {@code demo} and {@code completion}, with the option parsing, exit codes and one-line errors of
 * the CLI contract, the progress bar, a run's figures ({@code --stats}, {@code --report}, {@code
 * --metrics}), and the man page generated from the same model. An application inside this artifact,
 * not library API: it needs the optional picocli, progressbar, logback, HdrHistogram and Micrometer
 * dependencies, which the shaded {@code fetchpipe.jar} carries.
 */
package io.fetchpipe.cli;
