/**
 * The {@code fetchpipe} command line (picocli): {@code fetch}, {@code worker}, {@code serve},
 * {@code demo} and {@code completion}, with the option parsing, exit codes and one-line errors of
 * the CLI contract, the progress bar, and the man page generated from the same model. An
 * application inside this artifact, not library API: it needs the optional picocli, progressbar
 * and logback dependencies, which the shaded {@code fetchpipe.jar} carries.
 */
package io.fetchpipe.cli;
