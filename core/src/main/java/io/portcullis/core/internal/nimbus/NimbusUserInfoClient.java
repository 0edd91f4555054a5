package io.portcullis.core.internal.nimbus;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The UserInfo request (OIDC Core §5.3): a {@code GET} with the access token as a bearer token (RFC
 * 6750 §2.1), answered by a JSON object of claims. A signed or encrypted answer ({@code
 * Content-Type: application/jwt}, §5.3.2) is refused: Portcullis does not register for one.
 */
public final class NimbusUserInfoClient {
  private final Http http;

  /** Creates a client that sends with {@code http}. */
  public NimbusUserInfoClient(Http http) {
    this.http = Objects.requireNonNull(http, "http");
  }

  /** What a UserInfo request came to. */
  public sealed interface Result {
    /** The claims of the answer, as JDK types ({@link JdkValues}), and the JSON object itself. */
    record Claims(Map<String, Object> claims, String json) implements Result {
      @Override
      public String toString() {
        return "Claims[****]";
      }
    }

    /** The provider answered, but not with a usable JSON object of claims. */
    record Failed(String description) implements Result {}

    /** The provider could not be reached, timed out, or answered 5xx or 429. */
    record Unreachable(String description) implements Result {}
  }

  /** Asks {@code endpoint} for the claims of the user {@code accessToken} was issued for. */
  public Result claims(URI endpoint, String accessToken) {
    HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, endpoint);
    request.setAuthorization("Bearer " + accessToken);
    request.setAccept("application/json");
    HTTPResponse response;
    try {
      response = http.send(request, ProviderListener.Endpoint.USERINFO);
    } catch (IOException e) {
      return new Result.Unreachable(
          "userinfo endpoint unreachable: " + e.getClass().getSimpleName());
    }
    int status = response.getStatusCode();
    if (status >= 500 || status == 429) {
      return new Result.Unreachable("userinfo endpoint answered HTTP " + status);
    }
    if (status != 200) {
      return new Result.Failed("userinfo endpoint answered HTTP " + status);
    }
    String type = response.getHeaderValue("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/jwt")) {
      return new Result.Failed(
          "userinfo endpoint answered a signed or encrypted JWT (application/jwt), which is not"
              + " supported: register the client for plain JSON UserInfo responses");
    }
    if (!mediaType.equals("application/json")) {
      return new Result.Failed("userinfo endpoint answered Content-Type " + safe(mediaType));
    }
    String body = response.getBody();
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(body == null ? "" : body);
    } catch (ParseException | RuntimeException e) {
      return new Result.Failed("userinfo endpoint answered without a JSON object");
    }
    if (!(json.get("sub") instanceof String sub) || sub.isEmpty()) {
      return new Result.Failed("userinfo response has no sub");
    }
    return new Result.Claims(
        JdkValues.copyObject(json), com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json));
  }

  /**
   * Parses UserInfo claims stored as {@link Result.Claims#json()}.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  public static Map<String, Object> parse(String json) {
    try {
      return JdkValues.copyObject(JSONObjectUtils.parse(json));
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("stored userinfo claims cannot be read");
    }
  }

  private static String safe(String mediaType) {
    String s = mediaType.length() > 60 ? mediaType.substring(0, 60) : mediaType;
    return s.isEmpty() ? "(none)" : s.replaceAll("[^A-Za-z0-9/+.\\-]", "?");
  }
}
