package io.portcullis.servlet;

import io.portcullis.core.HttpExchange;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link HttpExchange} over the servlet API; the session is created only when a value is stored.
 */
final class ServletHttpExchange implements HttpExchange {
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final @Nullable SessionReloader reloader;
  private @Nullable Map<String, String> cookies;

  ServletHttpExchange(
      HttpServletRequest request,
      HttpServletResponse response,
      @Nullable SessionReloader reloader) {
    this.request = request;
    this.response = response;
    this.reloader = reloader;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  /** The canonical context path: the servlet context's, however the request spelled it. */
  @Override
  public String contextPath() {
    return request.getServletContext().getContextPath();
  }

  /**
   * The request URI after the canonical context path, or null when the URI does not start with it
   * followed by {@code /}: containers map {@code /%61pp}, {@code //app} or {@code /x/../app} to the
   * context {@code /app} too, and what follows such a context part is not a path the rules can be
   * matched against.
   */
  @Override
  public @Nullable String rawPath() {
    String uri = request.getRequestURI();
    String context = contextPath();
    if (!uri.startsWith(context)) {
      return null;
    }
    if (uri.length() == context.length()) {
      return "";
    }
    return uri.charAt(context.length()) == '/' ? uri.substring(context.length()) : null;
  }

  /**
   * Servlet path plus path info of this dispatch (of the included resource, for an include): what
   * the container hands the application. Allocation-free unless both parts are non-empty.
   */
  @Override
  public String dispatchedPath() {
    String servletPath;
    String pathInfo;
    if (request.getDispatcherType() == DispatcherType.INCLUDE) {
      servletPath = (String) request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
      pathInfo = (String) request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
    } else {
      servletPath = request.getServletPath();
      pathInfo = request.getPathInfo();
    }
    if (servletPath == null || servletPath.isEmpty()) {
      return pathInfo == null ? "" : pathInfo;
    }
    return pathInfo == null || pathInfo.isEmpty() ? servletPath : servletPath + pathInfo;
  }

  @Override
  public @Nullable String rawQuery() {
    return request.getQueryString();
  }

  @Override
  public @Nullable String header(String name) {
    return request.getHeader(name);
  }

  /**
   * {@inheritDoc} A query or form the container cannot parse (Jetty throws on invalid UTF-8 or a
   * malformed form) counts as having no parameters: the engine answers its own 400, not the
   * container's error page.
   */
  @Override
  public List<String> parameterValues(String name) {
    String[] values;
    try {
      values = request.getParameterValues(name);
    } catch (RuntimeException unparseable) {
      return List.of();
    }
    return values == null ? List.of() : Arrays.asList(values);
  }

  @Override
  public List<String> parameterNames() {
    try {
      return Collections.list(request.getParameterNames());
    } catch (RuntimeException unparseable) {
      return List.of();
    }
  }

  /**
   * {@inheritDoc} Read from the request's input stream, at most {@code maxBytes + 1} bytes: the
   * container has parsed no form parameter yet (the engine asks before anything else reads them).
   */
  @Override
  public byte @Nullable [] body(int maxBytes) throws IOException {
    InputStream in;
    try {
      in = request.getInputStream();
    } catch (IllegalStateException readAlready) {
      // getReader() was called before the filter: the body is not ours to read.
      throw new IOException("the request body was read before Portcullis", readAlready);
    }
    byte[] body = in.readNBytes(maxBytes + 1);
    return body.length > maxBytes ? null : body;
  }

  @Override
  public Map<String, String> cookies() {
    if (cookies == null) {
      Map<String, String> map = new LinkedHashMap<>();
      Cookie[] all = request.getCookies();
      if (all != null) {
        for (Cookie c : all) {
          // A cookie without a value may come back with a null one: none reaches the engine.
          map.putIfAbsent(c.getName(), c.getValue() == null ? "" : c.getValue());
        }
      }
      cookies = Collections.unmodifiableMap(map);
    }
    return cookies;
  }

  @Override
  public void addSetCookie(String headerValue) {
    response.addHeader("Set-Cookie", headerValue);
  }

  @Override
  public String scheme() {
    return request.getScheme();
  }

  @Override
  public String serverName() {
    return request.getServerName();
  }

  @Override
  public int serverPort() {
    return request.getServerPort();
  }

  @Override
  public String remoteAddress() {
    return request.getRemoteAddr();
  }

  @Override
  public @Nullable Object sessionAttribute(String name) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return null;
    }
    try {
      return session.getAttribute(name);
    } catch (IllegalStateException invalidated) {
      return null;
    }
  }

  @Override
  public void sessionAttribute(String name, @Nullable Serializable value) {
    if (value == null) {
      HttpSession session = request.getSession(false);
      if (session != null) {
        try {
          session.removeAttribute(name);
        } catch (IllegalStateException invalidated) {
          // nothing left to remove
        }
      }
    } else {
      try {
        request.getSession(true).setAttribute(name, value);
      } catch (IllegalStateException invalidated) {
        // the session was invalidated by a concurrent request (logout): store nothing
      }
    }
  }

  @Override
  public boolean canReloadSession() {
    return reloader != null;
  }

  @Override
  public @Nullable Object reloadSessionAttribute(String name) {
    HttpSession session = request.getSession(false);
    if (reloader == null || session == null) {
      return sessionAttribute(name);
    }
    return reloader.reload(session.getId(), name);
  }

  @Override
  public @Nullable String sessionId() {
    HttpSession session = request.getSession(false);
    return session == null ? null : session.getId();
  }

  @Override
  public long sessionCreationTime() {
    return request.getSession(true).getCreationTime();
  }

  @Override
  public void renewSessionId() {
    if (request.getSession(false) == null) {
      request.getSession(true);
    } else {
      request.changeSessionId();
    }
  }

  @Override
  public void invalidateSession() {
    HttpSession session = request.getSession(false);
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException alreadyInvalid) {
        // nothing left to end
      }
    }
  }
}
