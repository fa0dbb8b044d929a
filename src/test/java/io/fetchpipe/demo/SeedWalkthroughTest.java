package io.fetchpipe.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The demo runs every step of the seed and each behaves as the seed says. Its checks look at the
 * order of what the tasks did and at what the server saw, never at elapsed time.
 */
class SeedWalkthroughTest {
  @Test
  void theDemoRunsEveryStepAsTheSeedDescribes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean asExpected =
        new SeedWalkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0.1).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(asExpected, out);
    for (String step :
        new String[] {
          "1. Synchronous vs asynchronous",
          "2. as_completed",
          "3. Concurrent HTTP",
          "4. Producer/consumer",
          "5. Errors as values",
          "Completed: data from api/comments",
          "Error: Error in task 2",
          "produced 10"
        }) {
      assertTrue(out.contains(step), "missing '" + step + "' in:\n" + out);
    }
  }

  @Test
  void theDemosChecksSeeTasksRunOneAtATimeUnderASemaphoreOfOne() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean asExpected =
        new SeedWalkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0.1, 1).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(asExpected, out);
    for (String check :
        new String[] {
          "UNEXPECTED: gather should start every task before the first one ends",
          "UNEXPECTED: as_completed should yield comments, users, posts",
          "UNEXPECTED: the requests should be in flight together, at most five"
        }) {
      assertTrue(out.contains(check), "missing '" + check + "' in:\n" + out);
    }
  }
}
