package io.portcullis.servlet;

import io.portcullis.core.PortcullisMetrics;
import io.portcullis.core.PortcullisMetrics.Counter;
import io.portcullis.core.PortcullisMetrics.Endpoint;
import io.portcullis.core.Reason;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.jspecify.annotations.Nullable;

/**
 * One engine's {@link PortcullisMXBean} in the platform MBean server, under {@code
 * io.portcullis:type=Portcullis,context="<context path>"} ({@code "/"} for the root). When that
 * name is taken (two filters in one application, or an application deployed twice under one path),
 * the next free {@code ,instance=2}, {@code 3} … is used; when JMX refuses altogether (a security
 * manager, a broken server), start-up goes on without it and one warning says so.
 */
final class JmxMetrics implements PortcullisMXBean {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  static final String DOMAIN = "io.portcullis";
  private static final int MAX_INSTANCES = 100;

  private final PortcullisMetrics metrics;

  private JmxMetrics(PortcullisMetrics metrics) {
    this.metrics = metrics;
  }

  /** The name of the first engine in {@code contextPath} ({@code ""} for the root). */
  static ObjectName name(String contextPath, int instance) throws JMException {
    return new ObjectName(
        DOMAIN
            + ":type=Portcullis,context="
            + ObjectName.quote(contextPath.isEmpty() ? "/" : contextPath)
            + (instance > 1 ? ",instance=" + instance : ""));
  }

  /**
   * Registers {@code metrics} for the application at {@code contextPath}; returns the name, or null
   * (logged) when JMX refused.
   */
  static @Nullable ObjectName register(String contextPath, PortcullisMetrics metrics) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      StandardMBean bean = new StandardMBean(new JmxMetrics(metrics), PortcullisMXBean.class, true);
      for (int instance = 1; instance <= MAX_INSTANCES; instance++) {
        try {
          return server.registerMBean(bean, name(contextPath, instance)).getObjectName();
        } catch (InstanceAlreadyExistsException taken) {
          // another engine of this path, or one not unregistered: try the next instance
        }
      }
      LOG.log(
          Level.WARNING,
          "portcullis: no JMX metrics: " + MAX_INSTANCES + " engines registered for this path");
    } catch (JMException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "portcullis: no JMX metrics: the platform MBean server refused them ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return null;
  }

  /** Removes what {@link #register} registered; quiet when it is gone already. */
  static void unregister(@Nullable ObjectName name) {
    if (name == null) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException | RuntimeException e) {
      // already gone: nothing to clean up
    }
  }

  @Override
  public long getLoginsStarted() {
    return metrics.count(Counter.LOGINS_STARTED);
  }

  @Override
  public long getLoginsCompleted() {
    return metrics.count(Counter.LOGINS_COMPLETED);
  }

  @Override
  public long getLoginsRejected() {
    return metrics.count(Counter.LOGINS_REJECTED);
  }

  @Override
  public long getRefreshesOk() {
    return metrics.count(Counter.REFRESHES_OK);
  }

  @Override
  public long getRefreshesRejected() {
    return metrics.count(Counter.REFRESHES_REJECTED);
  }

  @Override
  public long getRefreshesUnavailable() {
    return metrics.count(Counter.REFRESHES_UNAVAILABLE);
  }

  @Override
  public long getRefreshWaiters() {
    return metrics.count(Counter.REFRESH_WAITERS);
  }

  @Override
  public long getJwksFetchesLoad() {
    return metrics.count(Counter.JWKS_FETCHES_LOAD);
  }

  @Override
  public long getJwksFetchesRotation() {
    return metrics.count(Counter.JWKS_FETCHES_ROTATION);
  }

  @Override
  public long getJwksFetchesUnknownKey() {
    return metrics.count(Counter.JWKS_FETCHES_UNKNOWN_KEY);
  }

  @Override
  public long getClientCredentialsFetched() {
    return metrics.count(Counter.CLIENT_CREDENTIALS_FETCHED);
  }

  @Override
  public long getClientCredentialsCached() {
    return metrics.count(Counter.CLIENT_CREDENTIALS_CACHED);
  }

  @Override
  public long getApi401() {
    return metrics.count(Counter.API_401);
  }

  @Override
  public long getApi403() {
    return metrics.count(Counter.API_403);
  }

  @Override
  public long getBackChannelLogouts() {
    return metrics.count(Counter.BACKCHANNEL_LOGOUTS);
  }

  @Override
  public long getBackChannelLogoutsRefused() {
    return metrics.count(Counter.BACKCHANNEL_LOGOUTS_REFUSED);
  }

  @Override
  public long getFrontChannelLogouts() {
    return metrics.count(Counter.FRONTCHANNEL_LOGOUTS);
  }

  @Override
  public Map<String, Long> getRejections() {
    Map<String, Long> byCode = new LinkedHashMap<>();
    for (Reason reason : Reason.values()) {
      byCode.put(reason.code(), metrics.rejections(reason));
    }
    return byCode;
  }

  @Override
  public long getDiscoveryCalls() {
    return metrics.calls(Endpoint.DISCOVERY);
  }

  @Override
  public long getDiscoveryFailures() {
    return metrics.failures(Endpoint.DISCOVERY);
  }

  @Override
  public long getDiscoveryTotalNanos() {
    return metrics.totalNanos(Endpoint.DISCOVERY);
  }

  @Override
  public long getDiscoveryMaxNanos() {
    return metrics.maxNanos(Endpoint.DISCOVERY);
  }

  @Override
  public long getJwksCalls() {
    return metrics.calls(Endpoint.JWKS);
  }

  @Override
  public long getJwksFailures() {
    return metrics.failures(Endpoint.JWKS);
  }

  @Override
  public long getJwksTotalNanos() {
    return metrics.totalNanos(Endpoint.JWKS);
  }

  @Override
  public long getJwksMaxNanos() {
    return metrics.maxNanos(Endpoint.JWKS);
  }

  @Override
  public long getTokenCalls() {
    return metrics.calls(Endpoint.TOKEN);
  }

  @Override
  public long getTokenFailures() {
    return metrics.failures(Endpoint.TOKEN);
  }

  @Override
  public long getTokenTotalNanos() {
    return metrics.totalNanos(Endpoint.TOKEN);
  }

  @Override
  public long getTokenMaxNanos() {
    return metrics.maxNanos(Endpoint.TOKEN);
  }

  @Override
  public long getUserInfoCalls() {
    return metrics.calls(Endpoint.USERINFO);
  }

  @Override
  public long getUserInfoFailures() {
    return metrics.failures(Endpoint.USERINFO);
  }

  @Override
  public long getUserInfoTotalNanos() {
    return metrics.totalNanos(Endpoint.USERINFO);
  }

  @Override
  public long getUserInfoMaxNanos() {
    return metrics.maxNanos(Endpoint.USERINFO);
  }
}
