package io.fetchpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.internal.PoolEngine;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The public API's boundary, checked on the compiled classes: no public or protected signature of a
 * public type outside the internal packages mentions an internal type (one in a package named
 * {@code internal} or {@code impl}, fetchpipe's or a library's, or one marked {@link InternalApi}),
 * and every type of fetchpipe's internal packages carries the mark. The command line and the demo
 * are applications inside this artifact, not library API, and are skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBoundaryTest {
  private static final Set<String> APPLICATION_PACKAGES =
      Set.of("io.fetchpipe.cli", "io.fetchpipe.demo");

  private List<Class<?>> classes;

  @BeforeAll
  void loadCompiledClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root =
        Path.of(InternalApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(root)) {
      names =
          files
              .map(root::relativize)
              .map(Path::toString)
              .filter(
                  name ->
                      name.endsWith(".class")
                          && !name.endsWith("package-info.class")
                          && !name.endsWith("module-info.class"))
              .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
              .filter(name -> !APPLICATION_PACKAGES.contains(packageOf(name)))
              .sorted()
              .toList();
    }
    classes = new ArrayList<>();
    for (String name : names) {
      classes.add(Class.forName(name, false, getClass().getClassLoader()));
    }
    assertTrue(
        classes.stream().anyMatch(c -> c.getPackageName().equals("io.fetchpipe.core")),
        "scanned " + root);
  }

  @Test
  void publicSignaturesMentionNoInternalType() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : classes) {
      if (isApi(type)) {
        leaks.addAll(leaksOf(type));
      }
    }
    assertEquals(List.of(), leaks, "internal types in the public API");
  }

  @Test
  void everyTypeOfAnInternalPackageIsMarked() {
    List<String> unmarked = new ArrayList<>();
    for (Class<?> type : classes) {
      if (isInternalPackage(type.getPackageName())) {
        if (type.getPackage().getAnnotation(InternalApi.class) == null) {
          unmarked.add("package " + type.getPackageName());
        }
        if (Modifier.isPublic(type.getModifiers())
            && type.getEnclosingClass() == null
            && !type.isAnnotationPresent(InternalApi.class)) {
          unmarked.add(type.getName());
        }
      }
    }
    assertEquals(
        List.of(), unmarked.stream().distinct().toList(), "internal types without @InternalApi");
  }

  @Test
  void theCheckSeesAnInternalTypeInASignature() {
    assertFalse(
        leaksOf(Leaky.class).isEmpty(), "a public method returning an internal type is found");
  }

  /** A public type outside the internal packages whose members an application can reach. */
  private static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass() || isInternal(type)) {
      return false;
    }
    if (type.getEnclosingClass() == null) {
      return Modifier.isPublic(type.getModifiers());
    }
    return isVisibleMember(type.getModifiers(), type.getEnclosingClass())
        && isApi(type.getEnclosingClass());
  }

  private static List<String> leaksOf(Class<?> type) {
    List<String> leaks = new ArrayList<>();
    String name = type.getName();
    check(type.getGenericSuperclass(), name + " extends", leaks);
    for (Type implemented : type.getGenericInterfaces()) {
      check(implemented, name + " implements", leaks);
    }
    for (TypeVariable<?> variable : type.getTypeParameters()) {
      check(variable, name + "<" + variable.getName() + ">", leaks);
    }
    for (Field field : type.getDeclaredFields()) {
      if (isReachable(field, type)) {
        check(field.getGenericType(), name + "." + field.getName(), leaks);
      }
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (isReachable(constructor, type)) {
        checkExecutable(constructor, name + "(constructor)", leaks);
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      if (isReachable(method, type) && !method.isBridge()) {
        check(method.getGenericReturnType(), name + "." + method.getName() + " returns", leaks);
        checkExecutable(method, name + "." + method.getName(), leaks);
      }
    }
    return leaks;
  }

  private static void checkExecutable(Executable executable, String where, List<String> leaks) {
    for (Type parameter : executable.getGenericParameterTypes()) {
      check(parameter, where + " takes", leaks);
    }
    for (Type thrown : executable.getGenericExceptionTypes()) {
      check(thrown, where + " throws", leaks);
    }
    for (TypeVariable<?> variable : executable.getTypeParameters()) {
      check(variable, where + "<" + variable.getName() + ">", leaks);
    }
  }

  private static <M extends AnnotatedElement & Member> boolean isReachable(
      M member, Class<?> type) {
    return !member.isSynthetic()
        && !member.isAnnotationPresent(InternalApi.class)
        && isVisibleMember(member.getModifiers(), type);
  }

  /** Public, or protected in a class an application may extend. */
  private static boolean isVisibleMember(int modifiers, Class<?> declaringType) {
    return Modifier.isPublic(modifiers)
        || (Modifier.isProtected(modifiers) && !Modifier.isFinal(declaringType.getModifiers()));
  }

  private static void check(Type type, String where, List<String> leaks) {
    collectInternal(type, new HashSet<>(), where, leaks);
  }

  private static void collectInternal(Type type, Set<Type> seen, String where, List<String> leaks) {
    if (type == null || !seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        collectInternal(c.getComponentType(), seen, where, leaks);
      } else if (isInternal(c)) {
        leaks.add(where + " " + c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      collectInternal(p.getRawType(), seen, where, leaks);
      collectInternal(p.getOwnerType(), seen, where, leaks);
      for (Type argument : p.getActualTypeArguments()) {
        collectInternal(argument, seen, where, leaks);
      }
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collectInternal(bound, seen, where, leaks);
      }
      for (Type bound : w.getLowerBounds()) {
        collectInternal(bound, seen, where, leaks);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collectInternal(bound, seen, where, leaks);
      }
    } else if (type instanceof GenericArrayType a) {
      collectInternal(a.getGenericComponentType(), seen, where, leaks);
    }
  }

  /**
   * In an internal package (anyone's), or marked internal itself, by an enclosing type or its
   * package.
   */
  private static boolean isInternal(Class<?> type) {
    if (type.isPrimitive()) {
      return false;
    }
    if (isInternalPackage(type.getPackageName())) {
      return true;
    }
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (c.isAnnotationPresent(InternalApi.class)) {
        return true;
      }
    }
    return type.getPackage() != null && type.getPackage().isAnnotationPresent(InternalApi.class);
  }

  private static boolean isInternalPackage(String packageName) {
    for (String segment : packageName.split("\\.")) {
      if (segment.equals("internal") || segment.equals("impl")) {
        return true;
      }
    }
    return false;
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  /** What the check must catch. */
  public static final class Leaky {
    /** Exposes an internal type. */
    public PoolEngine engine() {
      return null;
    }
  }
}
