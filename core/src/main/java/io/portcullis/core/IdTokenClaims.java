package io.portcullis.core;

import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.NimbusUserInfoClient;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a login's latest ID token (verified at login or refresh), with the claims of the
 * latest UserInfo answer merged in ({@link UserInfo#merge}) when there is one, read from the token
 * and the stored answer when asked for instead of held for the session's lifetime: a logged-in
 * session keeps the raw token it needs anyway, not a second copy of its contents as a map. The
 * parsed map is kept only weakly, so the reads of one request share it and an idle session holds
 * nothing more. Immutable; it serializes as a plain immutable map of JDK types.
 */
final class IdTokenClaims extends AbstractMap<String, Object> implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final transient String idToken;
  private final transient @Nullable String userInfo;
  private transient volatile @Nullable WeakReference<Map<String, Object>> parsed;

  IdTokenClaims(String idToken) {
    this(idToken, null);
  }

  /** The claims of {@code idToken} with those of the UserInfo answer {@code userInfo} merged in. */
  IdTokenClaims(String idToken, @Nullable String userInfo) {
    this.idToken = idToken;
    this.userInfo = userInfo;
  }

  /** Whether these are the claims of exactly {@code idToken} and {@code userInfo}. */
  boolean isOf(String idToken, @Nullable String userInfo) {
    return this.idToken.equals(idToken) && java.util.Objects.equals(this.userInfo, userInfo);
  }

  private Map<String, Object> claims() {
    WeakReference<Map<String, Object>> ref = parsed;
    Map<String, Object> claims = ref == null ? null : ref.get();
    if (claims == null) {
      try {
        Map<String, Object> read = NimbusIdTokenVerifier.claimsOf(idToken);
        if (userInfo != null) {
          read = UserInfo.merge(read, NimbusUserInfoClient.parse(userInfo));
        }
        claims = Map.copyOf(read);
      } catch (IdTokenException | IllegalArgumentException e) {
        claims =
            Map.of(); // cannot happen for a token that was verified; never an error for the app
      }
      parsed = new WeakReference<>(claims);
    }
    return claims;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return claims().entrySet();
  }

  @Override
  public @Nullable Object get(Object key) {
    return claims().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return claims().containsKey(key);
  }

  @Override
  public int size() {
    return claims().size();
  }

  @Serial
  private Object writeReplace() {
    return claims();
  }
}
