package io.fetchpipe.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs every step of the seed and each behaves as the seed says. */
class SeedWalkthroughTest {
  @Test
  void theDemoRunsEveryStepAsTheSeedDescribes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean asExpected = new SeedWalkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0.1).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(asExpected, out);
    for (String step : new String[] {"1. Synchronous vs asynchronous", "2. as_completed", "3. Concurrent HTTP",
        "4. Producer/consumer", "5. Errors as values", "Completed: data from api/comments", "Error: Error in task 2",
        "produced 10"}) {
      assertTrue(out.contains(step), "missing '" + step + "' in:\n" + out);
    }
  }
}
