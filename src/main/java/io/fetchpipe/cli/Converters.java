package io.fetchpipe.cli;

import io.fetchpipe.core.RateLimit;
import io.fetchpipe.http.PinnedAddress;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the contract's value formats; each fails with a one-line reason. */
final class Converters {
  private Converters() {}

  /** {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2m}, {@code 1h}; must be positive. */
  static final class PositiveDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d = parse(() -> Values.duration(value));
      if (d.isZero()) {
        throw new TypeConversionException("'" + value + "' must be longer than zero");
      }
      return d;
    }
  }

  /** A size such as {@code 8MiB}. */
  static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parse(() -> Values.size(value));
    }
  }

  /** {@code N/s}, {@code N/min}, {@code N/h}. */
  static final class Rate implements ITypeConverter<RateLimit> {
    /**
     * The command line's form: a count per {@code s}, {@code min} or {@code h}. Config also reads
     * the forms that carry a count or milliseconds in the unit ({@code 3/2s}), which the command
     * line does not offer.
     */
    private static final Pattern PER_UNIT =
        Pattern.compile("\\s*\\d+\\s*/\\s*(s|sec|min|m|h)\\s*", Pattern.CASE_INSENSITIVE);

    @Override
    public RateLimit convert(String value) {
      RateLimit rate = parse(() -> RateLimit.parse(value));
      if (!PER_UNIT.matcher(value).matches()) {
        throw new TypeConversionException(
            "invalid rate '" + value + "': expected N/UNIT with UNIT s, min or h (e.g. 20/s)");
      }
      return rate;
    }
  }

  /** {@code HOST:PORT:ADDR}, as curl's {@code --resolve}. */
  static final class Pin implements ITypeConverter<PinnedAddress> {
    @Override
    public PinnedAddress convert(String value) {
      return parse(() -> PinnedAddress.parse(value));
    }
  }

  /** A whole number of at least {@code min}. */
  private abstract static class WholeNumber implements ITypeConverter<Integer> {
    private final int min;
    private final String rule;

    WholeNumber(int min, String rule) {
      this.min = min;
      this.rule = rule;
    }

    @Override
    public Integer convert(String value) {
      int n = parse(() -> Integer.parseInt(value.trim()));
      if (n < min) {
        throw new TypeConversionException("'" + value + "' " + rule);
      }
      return n;
    }
  }

  /** A whole number of at least 1. */
  static final class Positive extends WholeNumber {
    Positive() {
      super(1, "must be at least 1");
    }
  }

  /** A whole number of at least 0. */
  static final class NonNegative extends WholeNumber {
    NonNegative() {
      super(0, "must not be negative");
    }
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(Parse<T> parse) {
    try {
      return parse.get();
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "not a whole number: " + e.getMessage().replace("For input string: ", ""));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
