package io.portcullis.servlet;

import io.portcullis.core.Identity;
import io.portcullis.core.Outcome;
import io.portcullis.core.Portcullis;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.config.ServerAuthContext;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.jspecify.annotations.Nullable;

/**
 * Portcullis as the container's Jakarta Authentication (JASPIC) server authentication module, for
 * container-managed security ({@code container-auth=true}, registered by {@link
 * PortcullisContainerAuth}): the container's own {@code <security-constraint>}s,
 * {@code @ServletSecurity}, {@code isUserInRole}, {@code authenticate} and {@code logout} work with
 * the login Portcullis keeps, and the roles are the granted scopes and the values of {@code
 * roles-claim}.
 *
 * <p>Every request goes through the same engine as the filter's ({@link Portcullis#authenticate}):
 * the callback and logout endpoints, bearer tokens, refresh and every check on the path behave the
 * same; only whether a login is needed comes from the container.
 */
final class PortcullisAuthModule implements ServerAuthModule, ServerAuthContext {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /**
   * The {@link MessageInfo#getMap()} key by which the container says that the resource needs an
   * authenticated user (Jakarta Authentication, Servlet Container Profile), spelled from the class
   * so that it follows the API's package.
   */
  private static final String MANDATORY = MessagePolicy.class.getName() + ".isMandatory";

  /**
   * The request attribute under which {@link #validateRequest} leaves its result for {@link
   * ContainerAuthFilter}: the {@link PortcullisRequest} the application is to see, or {@link
   * #ANSWERED} when the module wrote the response itself.
   */
  static final String RESULT_ATTRIBUTE = "io.portcullis.servlet.container-auth.result";

  /** {@link #RESULT_ATTRIBUTE}'s value when the module answered the request. */
  static final String ANSWERED = "answered";

  private static final Class<?>[] SUPPORTED = {HttpServletRequest.class, HttpServletResponse.class};

  private final Portcullis engine;
  private final IdentityHeaders identityHeaders;
  private final ServletContext context;
  private @Nullable CallbackHandler handler;

  PortcullisAuthModule(Portcullis engine, ServletContext context) {
    this.engine = engine;
    this.context = context;
    this.identityHeaders = new IdentityHeaders(engine.config().identityHeaders());
  }

  @Override
  @SuppressWarnings("rawtypes") // the Jakarta Authentication API uses raw Maps
  public void initialize(
      @Nullable MessagePolicy requestPolicy,
      @Nullable MessagePolicy responsePolicy,
      CallbackHandler handler,
      @Nullable Map options) {
    this.handler = handler;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class[] getSupportedMessageTypes() {
    return SUPPORTED.clone();
  }

  @Override
  public AuthStatus validateRequest(
      MessageInfo messageInfo, Subject clientSubject, @Nullable Subject serviceSubject)
      throws AuthException {
    JettyExchange jetty = JettyExchange.of(messageInfo);
    HttpServletRequest request;
    HttpServletResponse response;
    boolean fromMessage;
    if (messageInfo.getRequestMessage() instanceof HttpServletRequest r
        && messageInfo.getResponseMessage() instanceof HttpServletResponse s) {
      request = r;
      response = s;
      fromMessage = true;
    } else if (jetty != null
        && jetty.attribute(ContainerAuthFilter.EXCHANGE_ATTRIBUTE)
            instanceof ContainerAuthFilter.Exchange e) {
      // Jetty calls the module from within the servlet layer (the application, or
      // ContainerAuthFilter, asks for the user or calls authenticate) with its core view of the
      // request and no servlet response: the ones ContainerAuthFilter left on the request.
      request = e.request();
      response = e.response();
      fromMessage = false;
    } else {
      throw new AuthException("not an HTTP servlet request");
    }
    boolean mandatory = Boolean.parseBoolean(String.valueOf(messageInfo.getMap().get(MANDATORY)));
    Outcome outcome = engine.authenticate(exchange(request, response), mandatory);
    if (!(outcome instanceof Outcome.Proceed proceed)) {
      request.setAttribute(RESULT_ATTRIBUTE, ANSWERED);
      if (jetty != null && fromMessage) {
        // Jetty's security handler, before its servlet layer: through Jetty's core response.
        jetty.answer(outcome, request, response);
      } else {
        try {
          PortcullisFilter.render(outcome, request, response);
        } catch (IOException e) {
          // The client went away while the answer was written; nothing more to send.
          LOG.log(
              Level.DEBUG, "portcullis: answer not sent (" + e.getClass().getSimpleName() + ")");
        }
        if (jetty != null) {
          jetty.succeeded(); // Jetty waits on it after request.authenticate(response)
        }
      }
      // A login on its way (to the provider, or back to the page first asked for) continues, as
      // does the health answer (and an accepted back-channel logout); anything else was refused
      // with the answer just written.
      return outcome instanceof Outcome.Redirect
              || outcome instanceof Outcome.Challenge
              || outcome instanceof Outcome.Health
              || outcome == Outcome.BackChannelLogout.ACCEPTED
              || outcome instanceof Outcome.FrontChannelLogout
              || outcome instanceof Outcome.ClientJwks
              || outcome instanceof Outcome.ReplayPost
          ? AuthStatus.SEND_CONTINUE
          : AuthStatus.SEND_FAILURE;
    }
    Identity identity = proceed.identity();
    if (identity != null) {
      // Nobody logged in: no caller principal at all, which every container reads as
      // unauthenticated (a null one makes some, such as Jetty 12.0's, fail).
      callback(
          new Callback[] {
            new CallerPrincipalCallback(clientSubject, CallerPrincipal.of(identity)),
            new GroupPrincipalCallback(clientSubject, roles(identity))
          });
    }
    // Identity headers a client may have forged are hidden from the application, as behind the
    // filter; the container keeps answering getUserPrincipal and isUserInRole.
    PortcullisRequest wrapped =
        new PortcullisRequest(
            request, identity, identityHeaders, () -> engine.endLogin(exchange(request, response)));
    messageInfo.setRequestMessage(wrapped);
    // For ContainerAuthFilter, on a container that hands the application the request it had
    // rather than this one (Jetty).
    request.setAttribute(RESULT_ATTRIBUTE, wrapped);
    return AuthStatus.SUCCESS;
  }

  /** The roles of {@code identity}: its granted scopes and its {@code roles-claim} values. */
  private static String[] roles(Identity identity) {
    return roleSet(identity).toArray(String[]::new);
  }

  private static Set<String> roleSet(Identity identity) {
    Set<String> roles = new LinkedHashSet<>(identity.scopes());
    roles.addAll(identity.roles());
    return roles;
  }

  /**
   * The caller principal the container keeps: equal only for the same user with the same roles, so
   * that a container that caches it in the session and keeps it while an equal one comes (Tomcat)
   * takes the roles of a refreshed login at once. The application never sees it: {@link
   * PortcullisRequest} answers {@code getUserPrincipal} with the request's {@link
   * PortcullisPrincipal}.
   */
  record CallerPrincipal(String name, String subject, String issuer, Set<String> roles)
      implements Principal, Serializable {
    @Serial private static final long serialVersionUID = 1L;

    static CallerPrincipal of(Identity identity) {
      return new CallerPrincipal(
          identity.name(), identity.subject(), identity.issuer(), Set.copyOf(roleSet(identity)));
    }

    @Override
    public String getName() {
      return name;
    }
  }

  private void callback(Callback[] callbacks) throws AuthException {
    CallbackHandler h = handler;
    if (h == null) {
      throw new AuthException("PortcullisAuthModule has not been initialised");
    }
    try {
      h.handle(callbacks);
    } catch (IOException | UnsupportedCallbackException e) {
      AuthException failure = new AuthException("the container refused the caller principal");
      failure.initCause(e);
      throw failure;
    }
  }

  @Override
  public AuthStatus secureResponse(MessageInfo messageInfo, @Nullable Subject serviceSubject) {
    return AuthStatus.SEND_SUCCESS;
  }

  /**
   * {@code HttpServletRequest.logout()}: ends the Portcullis login in this session too (locally;
   * the provider's session ends through the {@code logout-path} form).
   */
  @Override
  public void cleanSubject(MessageInfo messageInfo, @Nullable Subject subject) {
    if (messageInfo.getRequestMessage() instanceof HttpServletRequest request
        && messageInfo.getResponseMessage() instanceof HttpServletResponse response) {
      engine.endLogin(exchange(request, response));
    }
    if (subject != null && !subject.isReadOnly()) {
      subject.getPrincipals().clear();
    }
  }

  private ServletHttpExchange exchange(HttpServletRequest request, HttpServletResponse response) {
    return new ServletHttpExchange(
        request,
        response,
        context.getAttribute(SessionReloader.CONTEXT_ATTRIBUTE) instanceof SessionReloader r
            ? r
            : null);
  }
}
