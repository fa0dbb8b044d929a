package example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.core.TaskPool;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An application on the module path requires fetchpipe by a stable name. */
class ModuleNameTest {
  @Test
  void theLibraryJarNamesItsModuleIoFetchpipe() throws Exception {
    Path jar = Path.of(TaskPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names =
        ModuleFinder.of(jar).findAll().stream()
            .map(ModuleReference::descriptor)
            .map(descriptor -> descriptor.name())
            .toList();
    assertEquals(List.of("io.fetchpipe"), names, jar.toString());
  }
}
