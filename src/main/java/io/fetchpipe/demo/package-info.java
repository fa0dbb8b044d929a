/**
 * {@code fetchpipe demo}: the seed article's asyncio examples run for real, each printed beside the
 * fetchpipe Java that does the same, with measured timings. Part of the command line's application,
 * not library API.
 */
package io.fetchpipe.demo;
