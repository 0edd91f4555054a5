package io.portcullis.spring;

import io.portcullis.core.LogoutRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The back-channel logouts of a cluster kept in the Redis its Spring Session already uses: one
 * sorted set, {@value #KEY}, each member a revocation (its fields Base64url-encoded, with a random
 * suffix so that a logout received twice is kept twice), scored by the time it was written (epoch
 * milliseconds). Members older than {@link LogoutRegistry#RETENTION} are removed when a logout is
 * written.
 */
final class RedisLogoutStore implements LogoutRegistry.SharedStore {
  static final String KEY = "portcullis:logouts";
  private static final String NONE = "-";

  private final StringRedisTemplate redis;

  RedisLogoutStore(StringRedisTemplate redis) {
    this.redis = redis;
  }

  @Override
  public void write(LogoutRegistry.Revocation r, long writtenAtMillis) {
    String member =
        String.join(
            ".",
            encode(r.issuer()),
            encode(r.sessionId()),
            encode(r.subject()),
            Long.toString(r.atMillis()),
            UUID.randomUUID().toString());
    redis.opsForZSet().add(KEY, member, writtenAtMillis);
  }

  @Override
  public List<LogoutRegistry.Revocation> readWrittenSince(long sinceMillis) {
    Set<String> members = redis.opsForZSet().rangeByScore(KEY, sinceMillis, Double.MAX_VALUE);
    List<LogoutRegistry.Revocation> out = new ArrayList<>();
    if (members == null) {
      return out;
    }
    for (String member : members) {
      String[] f = member.split("\\.", -1);
      if (f.length != 5) {
        continue;
      }
      try {
        String issuer = decode(f[0]);
        String sid = decode(f[1]);
        String sub = decode(f[2]);
        if (issuer != null && (sid != null || sub != null)) {
          out.add(new LogoutRegistry.Revocation(issuer, sid, sub, Long.parseLong(f[3])));
        }
      } catch (IllegalArgumentException e) {
        // not one of ours: skipped
      }
    }
    return out;
  }

  @Override
  public void purgeWrittenBefore(long beforeMillis) {
    redis.opsForZSet().removeRangeByScore(KEY, Double.NEGATIVE_INFINITY, beforeMillis - 1);
  }

  private static String encode(@Nullable String value) {
    return value == null
        ? NONE
        : Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static @Nullable String decode(String field) {
    return field.equals(NONE)
        ? null
        : new String(Base64.getUrlDecoder().decode(field), StandardCharsets.UTF_8);
  }
}
