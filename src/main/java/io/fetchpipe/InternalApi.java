package io.fetchpipe;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is not part of fetchpipe's public API: it is public only because another
 * fetchpipe package needs it. Its name, signature and behaviour may change in any release, and an
 * application should not use it. Every type in a package named {@code internal} carries it.
 *
 * <p>Kept at run time (unlike Pekko's own mark) so that a test can check by reflection that no
 * public signature outside the internal packages mentions a marked type or member, and tools of an
 * application can do the same; it costs nothing while running.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.TYPE,
  ElementType.METHOD,
  ElementType.CONSTRUCTOR,
  ElementType.FIELD,
  ElementType.PACKAGE
})
public @interface InternalApi {}
