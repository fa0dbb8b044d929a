package io.fetchpipe.core.internal;

import com.typesafe.config.Config;
import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ConfigDurations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One key of a settings class's {@link SettingsTable}: its path in the class's config section, how
 * its value is read from that section, how it is written back, and which accessor gives it. Reading
 * and writing the same key through one object is what keeps {@code create(Config)} and {@code
 * toConfig()} in step.
 *
 * @param <S> the settings class
 * @param <V> the value's type, as the settings class hands it out
 * @param path the key's path relative to the class's section, e.g. {@code max-concurrency}
 * @param reader reads the value at {@code path} of the section
 * @param writer turns the value into what {@link com.typesafe.config.ConfigFactory#parseMap} takes
 * @param getter the settings class's accessor of the value
 * @param nested the table of a section of its own (e.g. {@code retry}), or null for a plain value
 */
@InternalApi
public record SettingKey<S, V>(
    String path,
    Reader<V> reader,
    Function<? super V, Object> writer,
    Function<S, V> getter,
    SettingsTable<V> nested) {

  /** Reads one value from a config section. */
  @FunctionalInterface
  public interface Reader<V> {
    /** The value at {@code path} of {@code section}. */
    V read(Config section, String path);
  }

  /** Checks the parts. */
  public SettingKey {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(getter, "getter");
  }

  /** A key read and written by the given functions. */
  public static <S, V> SettingKey<S, V> of(
      String path, Reader<V> reader, Function<? super V, Object> writer, Function<S, V> getter) {
    return new SettingKey<>(path, reader, writer, getter, null);
  }

  /** An integer. */
  public static <S> SettingKey<S, Integer> ofInt(String path, Function<S, Integer> getter) {
    return of(path, Config::getInt, value -> value, getter);
  }

  /** A size in bytes, read with HOCON's size units ({@code 16MiB}) and written as a number. */
  public static <S> SettingKey<S, Long> ofBytes(String path, Function<S, Long> getter) {
    return of(path, Config::getBytes, value -> value, getter);
  }

  /** A boolean ({@code on}/{@code off}, {@code true}/{@code false}). */
  public static <S> SettingKey<S, Boolean> ofBoolean(String path, Function<S, Boolean> getter) {
    return of(path, Config::getBoolean, value -> value, getter);
  }

  /** A string. */
  public static <S> SettingKey<S, String> ofString(String path, Function<S, String> getter) {
    return of(path, Config::getString, value -> value, getter);
  }

  /** A list of strings. */
  public static <S> SettingKey<S, List<String>> ofStringList(
      String path, Function<S, List<String>> getter) {
    return of(path, Config::getStringList, value -> value, getter);
  }

  /** A duration, written exactly (in milliseconds when whole ones, else nanoseconds). */
  public static <S> SettingKey<S, Duration> ofDuration(String path, Function<S, Duration> getter) {
    return of(path, Config::getDuration, SettingKey::durationText, getter);
  }

  /** A duration that may be {@code off} (empty). */
  public static <S> SettingKey<S, Optional<Duration>> ofOptionalDuration(
      String path, Function<S, Optional<Duration>> getter) {
    return of(
        path,
        ConfigDurations::optional,
        value -> value.map(SettingKey::durationText).orElse("off"),
        getter);
  }

  /** A section of its own, read and written by the nested settings class's table. */
  public static <S, V> SettingKey<S, V> ofSection(
      String path, SettingsTable<V> table, Function<S, V> getter) {
    return new SettingKey<>(
        path,
        (section, at) -> table.readSection(section.getConfig(at)),
        value -> table.writeSection(value).root(),
        getter,
        table);
  }

  /** A duration as HOCON reads it back to the same value. */
  public static String durationText(Duration value) {
    long nanos = value.toNanos();
    return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos + "ns";
  }
}
