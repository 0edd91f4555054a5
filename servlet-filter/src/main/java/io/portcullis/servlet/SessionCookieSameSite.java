package io.portcullis.servlet;

import io.portcullis.core.Portcullis;
import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code SameSite} attribute of the container's session cookie, where the container tells it,
 * for the engine's {@code session-cookie} check (README "Start-up diagnostics"): a session cookie
 * marked {@code Strict} makes every login loop.
 *
 * <ul>
 *   <li>Servlet 6: {@code SessionCookieConfig.getAttribute("SameSite")} (set there, in {@code
 *       web.xml}'s {@code <cookie-config><attribute>}, or by Jetty's {@code SessionHandler}).
 *       Looked up reflectively: the {@code javax} build of this class runs on Servlet 4, whose
 *       {@code SessionCookieConfig} has no attributes.
 *   <li>Tomcat (9 to 11), when that says nothing: the context's {@code CookieProcessor} {@code
 *       sameSiteCookies}, which Tomcat applies to every cookie without the attribute, read
 *       reflectively from Tomcat's classes.
 * </ul>
 *
 * Anything else (Jetty {@code ee8}, another Servlet 4 container) is reported as not known.
 */
final class SessionCookieSameSite {
  private static final String TOMCAT_PROCESSOR = "Tomcat's CookieProcessor sameSiteCookies";

  private SessionCookieSameSite() {}

  /** What was found: the attribute (null when none or unknown) and where, or why not. */
  record Found(@Nullable String sameSite, String source) {}

  /** Tells {@code engine} what {@code context}'s session cookie carries (and logs that line). */
  static void report(Portcullis engine, ServletContext context) {
    Found found = read(context);
    engine.sessionCookieSameSite(found.sameSite(), found.source());
  }

  static Found read(ServletContext context) {
    boolean servlet6 = false;
    try {
      Method getAttribute = SessionCookieConfig.class.getMethod("getAttribute", String.class);
      servlet6 = true;
      Object value = getAttribute.invoke(context.getSessionCookieConfig(), "SameSite");
      if (value instanceof String s && !s.isBlank()) {
        return new Found(s.trim(), "SessionCookieConfig");
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Servlet 4: no attributes on SessionCookieConfig; or a container that refuses: unknown
    }
    String tomcat = tomcatSameSiteCookies(context);
    if (tomcat != null) {
      return tomcat.equals("Unset")
          ? new Found(
              null,
              "not set ("
                  + (servlet6 ? "neither in SessionCookieConfig nor by " : "not by ")
                  + TOMCAT_PROCESSOR
                  + "=unset), so browsers apply their default (Lax in Chrome and Edge)")
          : new Found(tomcat, TOMCAT_PROCESSOR);
    }
    return servlet6
        ? new Found(
            null,
            "not set in SessionCookieConfig, so browsers apply their default (Lax in Chrome and"
                + " Edge)")
        : new Found(
            null,
            "not known: this Servlet 4 container's SessionCookieConfig has no SameSite attribute,"
                + " and its own setting is not read (it is on Tomcat)");
  }

  /**
   * Tomcat's {@code sameSiteCookies} of this context ({@code Strict}, {@code Lax}, {@code None},
   * {@code Unset}), or null when this is not Tomcat or it cannot be read. The servlet context is
   * Tomcat's {@code ApplicationContextFacade}, whose {@code context} field holds the {@code
   * ApplicationContext}, whose {@code context} field holds the {@code StandardContext}; a listener
   * added at start-up (container-managed security) gets that facade wrapped in a {@code
   * NoPluggabilityServletContext}, field {@code sc}.
   */
  private static @Nullable String tomcatSameSiteCookies(ServletContext context) {
    if (!context.getClass().getName().startsWith("org.apache.catalina.")) {
      return null;
    }
    try {
      Object at = context;
      for (int hop = 0; hop < 4; hop++) {
        Method getCookieProcessor = publicMethod(at.getClass(), "getCookieProcessor");
        if (getCookieProcessor != null) {
          Object processor = getCookieProcessor.invoke(at);
          Method getSameSite =
              processor == null ? null : publicMethod(processor.getClass(), "getSameSiteCookies");
          Object value = getSameSite == null ? null : getSameSite.invoke(processor);
          if (!(value instanceof Enum<?> e)) {
            return null;
          }
          String name = e.name().toLowerCase(Locale.ROOT);
          return name.isEmpty() ? null : Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
        Field inner = innerContext(at.getClass());
        if (inner == null) {
          return null;
        }
        inner.setAccessible(true);
        Object next = inner.get(at);
        if (next == null) {
          return null;
        }
        at = next;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another Tomcat layout, or a security manager: not known
    }
    return null;
  }

  private static @Nullable Field innerContext(Class<?> type) {
    for (String name : new String[] {"context", "sc"}) {
      try {
        return type.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        // the next name
      }
    }
    return null;
  }

  private static @Nullable Method publicMethod(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
