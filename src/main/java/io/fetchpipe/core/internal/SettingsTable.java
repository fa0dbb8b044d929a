package io.fetchpipe.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.InternalApi;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The keys of one settings class, behind its {@code create(Config)}, {@code toConfig()}, {@code
 * withX} copies, {@code equals} and {@code hashCode}: a key listed here is read, written, copied
 * and compared, and a key the class needs but does not list fails the first time it is read, so
 * that config and code cannot list different keys.
 *
 * <p>The class builds itself from a {@link Values} (one value per key); reading a config fills one
 * from the keys' readers, a copy fills one from the keys' accessors and changes some.
 *
 * @param <S> the settings class
 */
@InternalApi
public final class SettingsTable<S> {
  private final String section;
  private final Function<Values<S>, S> factory;
  private final List<SettingKey<S, ?>> keys;
  private final Consumer<S> writeCheck;

  private SettingsTable(
      String section,
      Function<Values<S>, S> factory,
      List<SettingKey<S, ?>> keys,
      Consumer<S> writeCheck) {
    this.section = Objects.requireNonNull(section, "section");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.keys = List.copyOf(keys);
    this.writeCheck = Objects.requireNonNull(writeCheck, "writeCheck");
    if (this.keys.stream().map(SettingKey::path).distinct().count() != this.keys.size()) {
      throw new IllegalArgumentException("a key is listed twice in " + section);
    }
  }

  /**
   * A table of {@code keys} under {@code section}.
   *
   * @param section the section's full path, e.g. {@code fetchpipe.pool}
   * @param factory builds the settings from one value per key (and validates them)
   * @param keys every key of the section
   */
  @SafeVarargs
  public static <S> SettingsTable<S> of(
      String section, Function<Values<S>, S> factory, SettingKey<S, ?>... keys) {
    return new SettingsTable<>(section, factory, List.of(keys), settings -> {});
  }

  /**
   * This table, refusing to write settings that config cannot describe (e.g. an application's own
   * object), also where they are a section of another class's settings.
   *
   * @param check throws {@link IllegalStateException} for settings that cannot be written
   */
  public SettingsTable<S> checkingWrites(Consumer<S> check) {
    return new SettingsTable<>(section, factory, keys, check);
  }

  /** The section's full path, e.g. {@code fetchpipe.pool}. */
  public String section() {
    return section;
  }

  /** The keys, in the order listed. */
  public List<SettingKey<S, ?>> keys() {
    return keys;
  }

  /** Reads the settings from the table's section of a full config. */
  public S read(Config root) {
    return readSection(root.getConfig(section));
  }

  /** Reads the settings from the section itself. */
  public S readSection(Config sectionConfig) {
    Values<S> values = new Values<>(this);
    for (SettingKey<S, ?> key : keys) {
      values.values.put(key, key.reader().read(sectionConfig, key.path()));
    }
    return build(values);
  }

  /** The library's defaults: the section as {@code reference.conf} has it. */
  public S defaults() {
    return read(ConfigFactory.defaultReference());
  }

  /**
   * The settings as the table's section of a config, which {@link #read} reads back to equal
   * settings.
   */
  public Config write(S settings) {
    return writeSection(settings).atPath(section);
  }

  /** The settings as the section itself. */
  public Config writeSection(S settings) {
    writeCheck.accept(settings);
    Map<String, Object> written = new LinkedHashMap<>();
    for (SettingKey<S, ?> key : keys) {
      written.put(key.path(), writeOne(key, settings));
    }
    return ConfigFactory.parseMap(written);
  }

  private static <S, V> Object writeOne(SettingKey<S, V> key, S settings) {
    return key.writer().apply(key.getter().apply(settings));
  }

  /** A copy of {@code settings} with one value changed. */
  public <V> S with(S settings, SettingKey<S, V> key, V value) {
    return copy(settings, values -> values.with(key, value));
  }

  /** A copy of {@code settings} with the values {@code change} sets. */
  public S copy(S settings, UnaryOperator<Values<S>> change) {
    return build(change.apply(valuesOf(settings)));
  }

  /** One value per key, from the settings' accessors. */
  public Values<S> valuesOf(S settings) {
    Values<S> values = new Values<>(this);
    for (SettingKey<S, ?> key : keys) {
      values.values.put(key, key.getter().apply(settings));
    }
    return values;
  }

  /** Whether {@code other} is settings of the same class with equal values for every key. */
  public boolean equal(S settings, Object other) {
    if (other == null || other.getClass() != settings.getClass()) {
      return false;
    }
    @SuppressWarnings("unchecked")
    S that = (S) other;
    return keys.stream()
        .allMatch(key -> Objects.equals(key.getter().apply(settings), key.getter().apply(that)));
  }

  /** A hash of every key's value. */
  public int hash(S settings) {
    return keys.stream().map(key -> key.getter().apply(settings)).toList().hashCode();
  }

  /** {@code Name(key=value, ...)} over every key. */
  public String describe(S settings) {
    List<String> parts = new ArrayList<>();
    for (SettingKey<S, ?> key : keys) {
      parts.add(key.path() + "=" + key.getter().apply(settings));
    }
    return settings.getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
  }

  /**
   * Every leaf key's path under the section (a nested section's keys as {@code retry.backoff}) with
   * its value.
   */
  public Map<String, Object> leafValues(S settings) {
    Map<String, Object> leaves = new LinkedHashMap<>();
    for (SettingKey<S, ?> key : keys) {
      addLeaves(key, settings, leaves);
    }
    return leaves;
  }

  private static <S, V> void addLeaves(
      SettingKey<S, V> key, S settings, Map<String, Object> leaves) {
    V value = key.getter().apply(settings);
    if (key.nested() == null) {
      leaves.put(key.path(), value);
    } else {
      key.nested()
          .leafValues(value)
          .forEach((path, leaf) -> leaves.put(key.path() + "." + path, leaf));
    }
  }

  private S build(Values<S> values) {
    S settings = factory.apply(values);
    List<String> unused =
        keys.stream().filter(key -> !values.used.containsKey(key)).map(SettingKey::path).toList();
    if (!unused.isEmpty()) {
      throw new IllegalStateException(
          section + " lists keys its settings class never reads: " + unused);
    }
    return settings;
  }

  /**
   * One value per key of a table, from which a settings class builds itself.
   *
   * @param <S> the settings class
   */
  public static final class Values<S> {
    private final SettingsTable<S> table;
    private final Map<SettingKey<S, ?>, Object> values = new IdentityHashMap<>();
    private final Map<SettingKey<S, ?>, Boolean> used = new IdentityHashMap<>();

    private Values(SettingsTable<S> table) {
      this.table = table;
    }

    /**
     * The value of {@code key}.
     *
     * @throws IllegalStateException when the key is not in the table
     */
    @SuppressWarnings("unchecked")
    public <V> V get(SettingKey<S, V> key) {
      if (!values.containsKey(key)) {
        throw new IllegalStateException(
            key.path() + " is not listed in the table of " + table.section);
      }
      used.put(key, Boolean.TRUE);
      return (V) values.get(key);
    }

    /** These values with {@code key} set to {@code value}. */
    public <V> Values<S> with(SettingKey<S, V> key, V value) {
      if (!values.containsKey(key)) {
        throw new IllegalStateException(
            key.path() + " is not listed in the table of " + table.section);
      }
      values.put(key, value);
      return this;
    }
  }
}
