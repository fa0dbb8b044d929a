package io.fetchpipe.core;

/** The order in which a stream of work emits its outcomes. */
public enum Order {
  /** In input order, like {@code asyncio.gather}: a slow element holds back the ones after it. */
  INPUT,
  /** As they finish, like {@code asyncio.as_completed}. */
  COMPLETION
}
