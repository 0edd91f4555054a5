package io.portcullis.servlet;

import io.portcullis.core.Outcome;
import io.portcullis.core.Responses;
import jakarta.security.auth.message.MessageInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PortcullisAuthModule} needs of Jetty 12's {@code JaspiMessageInfo} when it answers a
 * request itself ({@code SEND_CONTINUE}, {@code SEND_FAILURE}): Jetty then waits for the exchange's
 * callback ({@code getCallback()}) to be completed, and, when it calls the module from its security
 * handler, before the servlet layer has opened the response's output stream, the body must go
 * through its core response ({@code getBaseResponse().write(last, content, callback)}), as Jetty's
 * own modules do. Reached by reflection on the message's public methods so that Portcullis needs no
 * Jetty class; {@link #of} answers null on every other container.
 */
final class JettyExchange {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /**
   * The reflective handles, looked up once per message class: {@link #NOT_JETTY} for every other
   * container's (so that Tomcat's requests do not build a NoSuchMethodException each).
   */
  private record Methods(
      Method getCallback,
      Method succeeded,
      Method getBaseResponse,
      Method write,
      Method getBaseRequest,
      Method getAttribute) {}

  private static final Optional<Methods> NOT_JETTY = Optional.empty();

  private static final ClassValue<Optional<Methods>> METHODS =
      new ClassValue<>() {
        @Override
        protected Optional<Methods> computeValue(Class<?> type) {
          try {
            Method getCallback = type.getMethod("getCallback");
            Method getBaseResponse = type.getMethod("getBaseResponse");
            // Through the declared (public) interfaces: the instances' own classes may not be
            // public.
            Class<?> callback = getCallback.getReturnType();
            Method getBaseRequest = type.getMethod("getBaseRequest");
            return Optional.of(
                new Methods(
                    getCallback,
                    callback.getMethod("succeeded"),
                    getBaseResponse,
                    getBaseResponse
                        .getReturnType()
                        .getMethod("write", boolean.class, ByteBuffer.class, callback),
                    getBaseRequest,
                    getBaseRequest.getReturnType().getMethod("getAttribute", String.class)));
          } catch (NoSuchMethodException | RuntimeException notJetty) {
            return NOT_JETTY;
          }
        }
      };

  private final MessageInfo message;
  private final Methods m;

  private JettyExchange(MessageInfo message, Methods m) {
    this.message = message;
    this.m = m;
  }

  /** Jetty's exchange behind {@code message}, or null when the container is not Jetty 12. */
  static @Nullable JettyExchange of(MessageInfo message) {
    Methods m = METHODS.get(message.getClass()).orElse(null);
    return m == null ? null : new JettyExchange(message, m);
  }

  /**
   * Answers with {@code outcome} from Jetty's security handler: status and headers through the
   * servlet response (Jetty's servlet response sets them on its core response), the body through
   * the core response, which completes the exchange.
   */
  void answer(Outcome outcome, HttpServletRequest request, HttpServletResponse response) {
    Responses.Response rendered = Responses.render(outcome);
    response.setStatus(rendered.status());
    for (Map.Entry<String, String> h : rendered.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    byte[] body =
        "HEAD".equals(request.getMethod())
            ? new byte[0]
            : rendered.body().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    try {
      m.write()
          .invoke(
              m.getBaseResponse().invoke(message),
              true,
              ByteBuffer.wrap(body),
              m.getCallback().invoke(message));
    } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
      failed(e);
    }
  }

  /** The request attribute {@code name}, read through Jetty's core request; null if none. */
  @Nullable Object attribute(String name) {
    try {
      Object request = m.getBaseRequest().invoke(message);
      return request == null ? null : m.getAttribute().invoke(request, name);
    } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  /** Completes the exchange after the module wrote its answer through the servlet response. */
  void succeeded() {
    try {
      Object callback = m.getCallback().invoke(message);
      if (callback != null) {
        m.succeeded().invoke(callback);
      }
    } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
      failed(e);
    }
  }

  private static void failed(Exception e) {
    Throwable cause =
        e instanceof InvocationTargetException i && i.getCause() != null ? i.getCause() : e;
    LOG.log(
        Level.WARNING,
        "portcullis: Jetty's exchange could not be completed ("
            + cause.getClass().getSimpleName()
            + ")");
  }
}
