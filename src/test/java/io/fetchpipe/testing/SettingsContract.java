package io.fetchpipe.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.internal.SettingsTable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What every settings class promises: its table lists exactly the keys of its section in {@code
 * reference.conf}, and {@code toConfig()} of any settings reads back to equal settings.
 */
public final class SettingsContract {
  private SettingsContract() {}

  /**
   * The keys under the table's section of {@code reference.conf} are the table's keys, no more, no
   * fewer.
   */
  public static <S> void assertTableListsReferenceKeys(SettingsTable<S> table) {
    Config section = ConfigFactory.defaultReference().getConfig(table.section());
    Set<String> inReference = new TreeSet<>();
    section.entrySet().forEach(entry -> inReference.add(entry.getKey()));
    Set<String> inTable = new TreeSet<>(table.leafValues(table.defaults()).keySet());
    assertEquals(
        inReference, inTable, "keys of " + table.section() + " in reference.conf and in its table");
  }

  /**
   * {@code changed} differs from the defaults in every key (but those {@code exempt} names, which
   * have no value of their own to compare) and reads back from its {@code toConfig()} to equal
   * settings; the defaults equal what {@code create} reads from {@code reference.conf}.
   */
  public static <S> void assertRoundTrip(
      SettingsTable<S> table,
      S defaults,
      S changed,
      Function<S, Config> toConfig,
      Function<Config, S> create,
      Set<String> exempt) {
    assertEquals(
        create.apply(ConfigFactory.defaultReference()), defaults, "defaults() is reference.conf");
    Map<String, Object> before = table.leafValues(defaults);
    Map<String, Object> after = table.leafValues(changed);
    before.forEach(
        (key, value) -> {
          if (!exempt.contains(key)) {
            assertNotEquals(
                value, after.get(key), "the round trip sets " + table.section() + "." + key);
          }
        });
    Config written = toConfig.apply(changed);
    S read = create.apply(written);
    assertEquals(changed, read, "read back from " + written.root().render());
    assertEquals(changed.hashCode(), read.hashCode(), "hash of equal settings");
    assertEquals(toConfig.apply(read), written, "written again, the same config");
    assertNotEquals(defaults, changed);
  }
}
