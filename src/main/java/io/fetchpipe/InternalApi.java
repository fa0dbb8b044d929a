package io.fetchpipe;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is not part of fetchpipe's public API: it is public only because another
 * fetchpipe package needs it. Its name, signature and behaviour may change in any release, and
 * an application should not use it. Every type in a package named {@code internal} carries it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD, ElementType.PACKAGE})
public @interface InternalApi {}
