/**
 * The {@code fetchpipe} command line (picocli): {@code fetch}, {@code serve} and {@code demo},
 * with the option parsing, exit codes and one-line errors of the CLI contract.
 */
package io.fetchpipe.cli;
