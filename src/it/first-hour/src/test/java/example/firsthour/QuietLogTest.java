package example.firsthour;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class (junit-platform.properties orders classes): by then their
 * servers, fetchers and actor systems have come and gone, and the log must hold no warning, no
 * error and no stack trace that the application did not cause.
 */
@Order(Integer.MAX_VALUE)
class QuietLogTest {
  @Test
  void theTestRunLoggedNoWarningErrorOrStackTrace() {
    assertTrue(LogRecorder.LOUD.isEmpty(), "logged: " + LogRecorder.LOUD);
  }
}
