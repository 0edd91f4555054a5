package io.portcullis.core.internal.nimbus;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/** HTTP plumbing shared by the adapter: timeouts on every call, the HTTPS-or-loopback rule. */
public final class Http {
  private Http() {}

  /** Sends {@code request} with connect and read timeouts of {@code timeout}. */
  static HTTPResponse send(HTTPRequest request, Duration timeout) throws IOException {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    request.setConnectTimeout(millis);
    request.setReadTimeout(millis);
    request.setFollowRedirects(false);
    return request.send();
  }

  /**
   * Whether {@code uri} may be used to talk to a provider: HTTPS, or HTTP to a loopback host
   * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}). No DNS lookup is made.
   */
  public static boolean isAllowedProviderUri(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      return false;
    }
    return scheme.equals("https") || (scheme.equals("http") && isLoopbackHost(uri.getHost()));
  }

  /** Whether {@code host} names a loopback address without a DNS lookup. */
  public static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    boolean literal = !h.isEmpty() && (h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
