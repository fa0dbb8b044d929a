package io.fetchpipe.http.internal;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Reading one URL of an input line, as every fetch does: {@link WebUrl#parse} (the short way for
 * plain URLs, {@link PlainUrl}, then the full parser for the rest) against the WHATWG state machine
 * alone ({@link WebUrlParser}), on the C1 compiler that bin/fetchpipe picks on two cores and on the
 * JVM's default compilers. In this package because the state machine is package-private.
 */
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UrlReadingBenchmark {
  @Param({"http://127.0.0.1:18181/1k", "https://example.com/a/b?x=1&y=2"})
  String url;

  @Benchmark
  public WebUrl webUrlParse() {
    return WebUrl.parse(url);
  }

  @Benchmark
  public WebUrl stateMachineOnly() {
    return WebUrlParser.parse(url, null);
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"})
  public WebUrl webUrlParseC1() {
    return WebUrl.parse(url);
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"})
  public WebUrl stateMachineOnlyC1() {
    return WebUrlParser.parse(url, null);
  }
}
