package com.example.template.bridge;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A view of an object that overrides some of its interface's methods and forwards the rest: the
 * JDK's dynamic proxy, kept to the one shape the bridge needs. The TCP bridge module creates its
 * server and reads its sockets itself, with no hook in between; handing it such views is how the
 * bridge gets a say in both without copying the module.
 */
final class Intercept {

  /** What an {@link Override} returns to let the call through to the real object. */
  static final Object FORWARD = new Object();

  /** Decides one call: returns its result, or {@link #FORWARD}. */
  @FunctionalInterface
  interface Override {
    Object call(Method method, Object[] args) throws Throwable;
  }

  private Intercept() {
  }

  /**
   * A {@code type} that sends each call to {@code override} first. Fluent calls answered by the
   * real object return the view, so callers never get hold of the object behind it.
   */
  static <T> T calls(Class<T> type, T target, Override override) {
    Object view = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      Object[] arguments = args == null ? new Object[0] : args;
      if (method.getDeclaringClass() == Object.class) {
        return identity(proxy, method, arguments);
      }
      Object result = override.call(method, arguments);
      if (result == FORWARD) {
        try {
          result = method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
      return result == target ? proxy : result;
    });
    return type.cast(view);
  }

  // The view is an object of its own: equal only to itself, whatever the real one says.
  private static Object identity(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> proxy.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(proxy));
    };
  }
}
