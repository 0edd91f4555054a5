package io.portcullis.servlet;

import io.portcullis.core.Identity;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.LogoutRegistry;
import io.portcullis.core.Outcome;
import io.portcullis.core.Portcullis;
import io.portcullis.core.PortcullisConfig;
import io.portcullis.core.PortcullisMetrics;
import io.portcullis.core.Responses;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.management.ObjectName;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The servlet filter that puts an application behind an OpenID provider: declare it in {@code
 * web.xml} (configured by init-params, {@code portcullis.properties}, system properties {@code
 * portcullis.KEY} and environment variables {@code PORTCULLIS_KEY}, in that order of precedence) or
 * construct it with a ready {@link PortcullisConfig}.
 *
 * <p>It adapts each request to the engine and renders the engine's {@link Outcome}; everything else
 * lives in {@code portcullis-core}. A bad configuration fails {@link #init} with one message naming
 * every bad key and where it came from.
 */
public class PortcullisFilter implements Filter {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /**
   * The refusal an error dispatch is showing (with {@code container-error-pages}): when the rules
   * refuse the application's error page itself, Portcullis's own page for that refusal is shown.
   */
  private static final String OUTCOME_ATTRIBUTE = "io.portcullis.servlet.refusal";

  private final @Nullable PortcullisConfig presetConfig;
  private final Clock clock;
  private @Nullable Portcullis engine;
  private IdentityHeaders identityHeaders = IdentityHeaders.DEFAULT;
  private Set<Integer> containerErrorPages = Set.of();
  private volatile @Nullable SessionReloader sessionReloader;
  private @Nullable ObjectName jmxName;
  private @Nullable AutoCloseable globalMeters;
  private volatile @Nullable DataSource logoutDataSource;
  private volatile @Nullable LogoutRegistry logoutRegistry;

  /**
   * The servlet context attribute under which a {@link DataSource} may be registered for the
   * back-channel logouts of a cluster ({@link #setLogoutDataSource}).
   */
  public static final String LOGOUT_DATA_SOURCE_ATTRIBUTE =
      "io.portcullis.servlet.LogoutDataSource";

  /** How often a node reads the other nodes' back-channel logouts from the database, at most. */
  static final Duration LOGOUT_POLL = Duration.ofSeconds(1);

  /** For {@code web.xml}: configuration from the init-params and the other sources. */
  public PortcullisFilter() {
    this(null, Clock.systemUTC());
  }

  /** For programmatic registration with a configuration built elsewhere (e.g. Spring Boot). */
  public PortcullisFilter(PortcullisConfig config) {
    this(Objects.requireNonNull(config, "config"), Clock.systemUTC());
  }

  /**
   * With an explicit clock, for tests; {@code config} null means "read the sources at {@code
   * init}".
   */
  public PortcullisFilter(@Nullable PortcullisConfig config, Clock clock) {
    this.presetConfig = config;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    PortcullisConfig config;
    try {
      config = presetConfig != null ? presetConfig : ServletConfigSources.load(filterConfig);
    } catch (InvalidConfigurationException e) {
      throw startFailure(String.valueOf(e.getMessage()));
    }
    if (config.containerAuth()) {
      throw startFailure(
          "container-auth=true: the container authenticates through Portcullis's Jakarta"
              + " Authentication module, and the filter is not used; remove the PortcullisFilter"
              + " declaration (or set container-auth=false to keep the filter and its rules)");
    }
    if (logoutDataSource == null
        && filterConfig.getServletContext().getAttribute(LOGOUT_DATA_SOURCE_ATTRIBUTE)
            instanceof DataSource ds) {
      logoutDataSource = ds;
    }
    LogoutRegistry registry = logoutRegistry;
    DataSource logouts = logoutDataSource;
    if (registry == null && logouts != null && config.backchannelLogoutPath().isPresent()) {
      // Polling and the rows' times follow the wall clock: nodes compare them.
      registry =
          LogoutRegistry.shared(new JdbcLogoutStore(logouts), Clock.systemUTC(), LOGOUT_POLL);
    }
    engine =
        registry != null
            ? Portcullis.create(config, clock, registry)
            : Portcullis.create(config, clock);
    SessionCookieSameSite.report(engine, filterConfig.getServletContext());
    String contextPath = filterConfig.getServletContext().getContextPath();
    jmxName = JmxMetrics.register(contextPath, engine.metrics());
    if (presetConfig == null) {
      // web.xml: Micrometer's global registry, when the application has Micrometer. A filter
      // built with its configuration is published by its creator (the Spring Boot starter binds
      // PortcullisMeterBinder to the application's MeterRegistry).
      globalMeters = GlobalMeters.bind(this::engineMetrics, contextPath);
    }
    identityHeaders = new IdentityHeaders(config.identityHeaders());
    containerErrorPages = config.containerErrorPages();
    filterConfig
        .getServletContext()
        .setAttribute(PortcullisRequests.CLIENT_CREDENTIALS_ATTRIBUTE, engine.clientCredentials());
    filterConfig.getServletContext().setAttribute(PortcullisRequests.ENGINE_ATTRIBUTE, engine);
    if (sessionReloader == null
        && filterConfig.getServletContext().getAttribute(SessionReloader.CONTEXT_ATTRIBUTE)
            instanceof SessionReloader r) {
      sessionReloader = r;
    }
    LOG.log(
        Level.INFO,
        "portcullis: protecting "
            + contextPath
            + "/ with "
            + engine.ruleCount()
            + " rules, provider "
            + config.issuer().map(Object::toString).orElse("(explicit endpoints)"));
  }

  /** Logs {@code message} (which holds no secret) and returns the exception that stops start-up. */
  static ServletException startFailure(String message) {
    LOG.log(Level.ERROR, message);
    return new ServletException(message);
  }

  /**
   * Installs the cluster adapter that re-reads the shared session store (see {@link
   * SessionReloader}); also taken from the servlet context attribute {@link
   * SessionReloader#CONTEXT_ATTRIBUTE} at {@code init}.
   */
  public void setSessionReloader(@Nullable SessionReloader reloader) {
    this.sessionReloader = reloader;
  }

  /**
   * Keeps back-channel logouts ({@code backchannel-logout-path}) in {@code dataSource}, the
   * database the cluster's sessions already share (e.g. that of Jetty's JDBC session store), so
   * that a logout delivered to one node ends the login on every node: each node reads the others'
   * logouts at most once a second. The table {@code portcullis_logouts} is created when missing
   * (README "Back-channel logout"). Also taken from the servlet context attribute {@link
   * #LOGOUT_DATA_SOURCE_ATTRIBUTE}; call before {@code init}. Without it, logouts are kept in
   * memory (one node).
   */
  public void setLogoutDataSource(@Nullable DataSource dataSource) {
    this.logoutDataSource = dataSource;
  }

  /**
   * Keeps back-channel logouts in {@code registry} (adapter SPI, as {@link #engine()}: the Spring
   * starter's Redis registry); it takes precedence over {@link #setLogoutDataSource}. Call before
   * {@code init}.
   */
  public void setLogoutRegistry(@Nullable LogoutRegistry registry) {
    this.logoutRegistry = registry;
  }

  /** The engine, once {@link #init} has run: for tests and for the Spring adapter. */
  public Portcullis engine() {
    Portcullis e = engine;
    if (e == null) {
      throw new IllegalStateException("PortcullisFilter has not been initialised");
    }
    return e;
  }

  /** The engine's counters, for {@link PortcullisMeterBinder}. */
  PortcullisMetrics engineMetrics() {
    return engine().metrics();
  }

  /** The JMX name of this filter's {@link PortcullisMXBean}, or null when JMX refused it. */
  @Nullable ObjectName jmxName() {
    return jmxName;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    if (request.getDispatcherType() != DispatcherType.REQUEST) {
      // A forward, include, error page or async dispatch: the rules decide on the path dispatched
      // to, with the identity the initial request established (its wrapper answers it).
      Identity identity = PortcullisRequests.identity(request).orElse(null);
      Outcome outcome =
          engine()
              .handleDispatch(
                  new ServletHttpExchange(request, response, sessionReloader), identity);
      if (outcome instanceof Outcome.Proceed proceed) {
        chain.doFilter(
            identity != null || proceed.identity() == null
                ? request
                : new PortcullisRequest(request, proceed.identity(), identityHeaders),
            response);
      } else if (request.getDispatcherType() != DispatcherType.INCLUDE && !response.isCommitted()) {
        // An include cannot set the status: the included resource is left out instead.
        response.resetBuffer();
        if (request.getDispatcherType() == DispatcherType.ERROR
            && request.getAttribute(OUTCOME_ATTRIBUTE) instanceof Outcome refused) {
          // The application's error page for a refusal of ours is itself refused (it needs a
          // login the user does not have): Portcullis's own page, with the refusal's status.
          render(refused, request, response);
        } else if (request.getDispatcherType() == DispatcherType.FORWARD) {
          answer(outcome, request, response);
        } else {
          render(outcome, request, response);
        }
      }
      return;
    }
    Outcome outcome = engine().handle(new ServletHttpExchange(request, response, sessionReloader));
    if (outcome instanceof Outcome.Proceed proceed) {
      // The identity travels in the wrapper (PortcullisRequest answers IDENTITY_ATTRIBUTE).
      chain.doFilter(new PortcullisRequest(request, proceed.identity(), identityHeaders), response);
      return;
    }
    answer(outcome, request, response);
  }

  /**
   * Answers a refusal: a browser error whose status {@code container-error-pages} lists through
   * {@code sendError}, so that the container shows the application's error page for the status,
   * with the reason in request attributes; anything else (API answers, redirects, statuses not
   * listed, a response already committed) as Portcullis renders it.
   */
  private void answer(Outcome outcome, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Responses.ErrorPage page =
        containerErrorPages.isEmpty() || response.isCommitted()
            ? null
            : Responses.errorPage(outcome).orElse(null);
    if (page == null || !containerErrorPages.contains(page.status())) {
      render(outcome, request, response);
      return;
    }
    request.setAttribute(PortcullisRequests.REASON_ATTRIBUTE, page.reason());
    request.setAttribute(PortcullisRequests.MESSAGE_ATTRIBUTE, page.message());
    request.setAttribute(PortcullisRequests.STATUS_ATTRIBUTE, page.status());
    if (page.retryUrl() != null) {
      request.setAttribute(PortcullisRequests.RETRY_URL_ATTRIBUTE, page.retryUrl());
    }
    request.setAttribute(OUTCOME_ATTRIBUTE, outcome);
    for (Map.Entry<String, String> h : page.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    response.sendError(page.status(), page.message());
  }

  /** Writes the engine's answer; the filter's and {@link PortcullisAuthModule}'s. */
  static void render(Outcome outcome, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Responses.Response rendered = Responses.render(outcome);
    response.setStatus(rendered.status());
    for (Map.Entry<String, String> h : rendered.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    byte[] body = rendered.body().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    if (body.length > 0 && !"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(body);
    }
    response.flushBuffer();
  }

  @Override
  public void destroy() {
    JmxMetrics.unregister(jmxName);
    jmxName = null;
    AutoCloseable meters = globalMeters;
    globalMeters = null;
    if (meters != null) {
      try {
        meters.close();
      } catch (Exception e) {
        // removing meters from a registry does not fail
      }
    }
    Portcullis e = engine;
    if (e != null) {
      e.close();
    }
  }
}
