/**
 * The {@code fetchpipe} command line (picocli): {@code fetch}, {@code serve} and {@code demo},
 * with the option parsing, exit codes and one-line errors of the CLI contract. An application
 * inside this artifact, not library API: it needs the optional picocli, progressbar and logback
 * dependencies, which the shaded {@code fetchpipe.jar} carries.
 */
package io.fetchpipe.cli;
