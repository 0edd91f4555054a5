package io.portcullis.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The per-provider keys of a configuration with several providers (README "More than one
 * provider"): {@code provider.<name>.<key>} in init-params and properties files, {@code
 * portcullis.provider.<name>.<key>} as a system property, {@code PORTCULLIS_PROVIDER_<NAME>_<KEY>}
 * in the environment. Only {@link #SCOPED} keys can be given per provider; every other key is
 * global. A provider's own value wins over the global one, whatever the sources.
 */
final class ProviderKeys {

  /** A provider's name: lower-case letters and digits, starting with a letter. */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

  /** The keys a provider can set for itself; the others are the same for every provider. */
  static final Set<ConfigKey> SCOPED =
      Collections.unmodifiableSet(
          EnumSet.of(
              ConfigKey.ISSUER,
              ConfigKey.AUTHORIZATION_ENDPOINT,
              ConfigKey.TOKEN_ENDPOINT,
              ConfigKey.JWKS_URI,
              ConfigKey.USERINFO_ENDPOINT,
              ConfigKey.END_SESSION_ENDPOINT,
              ConfigKey.CLIENT_ID,
              ConfigKey.CLIENT_SECRET,
              ConfigKey.CLIENT_KEY_FILE,
              ConfigKey.CLIENT_KEY_ID,
              ConfigKey.CLIENT_AUTH,
              ConfigKey.SCOPES,
              ConfigKey.REDIRECT_PATH,
              ConfigKey.POST_LOGOUT_REDIRECT_URI,
              ConfigKey.BACKCHANNEL_LOGOUT_PATH,
              ConfigKey.AUTHORIZATION_PARAMS,
              ConfigKey.PRINCIPAL_CLAIM,
              ConfigKey.ROLES_CLAIM,
              ConfigKey.RESPONSE_MODE,
              ConfigKey.PAR,
              ConfigKey.USERINFO,
              ConfigKey.DPOP,
              ConfigKey.DPOP_KEY_FILE,
              ConfigKey.BEARER_AUDIENCE,
              ConfigKey.DISPLAY_NAME,
              ConfigKey.TENANTS));

  /** A raw name of a source read as a provider's key: {@code key} null when it is none. */
  record Name(String provider, String rawKey, @Nullable ConfigKey key) {}

  private ProviderKeys() {}

  /**
   * How {@code source} starts every raw name: {@code ""}, {@code portcullis.}, {@code PORTCULLIS_}.
   */
  private static String prefix(ConfigSource source) {
    String raw = source.rawNameOf(ConfigKey.ISSUER);
    return raw.length() < ConfigKey.ISSUER.key().length()
        ? ""
        : raw.substring(0, raw.length() - ConfigKey.ISSUER.key().length());
  }

  private static boolean isEnvironment(String prefix) {
    return prefix.endsWith("_");
  }

  /** How {@code source} spells {@code key} of provider {@code provider}. */
  static String rawNameOf(ConfigSource source, String provider, ConfigKey key) {
    String prefix = prefix(source);
    if (isEnvironment(prefix)) {
      return prefix + "PROVIDER_" + provider.toUpperCase(Locale.ROOT) + "_" + spelled(source, key);
    }
    return prefix + "provider." + provider + "." + spelled(source, key);
  }

  private static String spelled(ConfigSource source, ConfigKey key) {
    String raw = source.rawNameOf(key);
    return raw.substring(Math.max(0, raw.length() - key.key().length()));
  }

  /**
   * Reads {@code rawName} of {@code source} as a provider's key, or empty when it does not start as
   * one ({@code provider.}); a name that does but names no key of a provider has a null key.
   */
  static Optional<Name> parse(ConfigSource source, String rawName) {
    String prefix = prefix(source);
    boolean env = isEnvironment(prefix);
    String start = prefix + (env ? "PROVIDER_" : "provider.");
    if (!rawName.startsWith(start)) {
      return Optional.empty();
    }
    String rest = rawName.substring(start.length());
    int sep = rest.indexOf(env ? '_' : '.');
    if (sep <= 0) {
      return Optional.of(new Name(rest, "", null));
    }
    String provider = rest.substring(0, sep);
    if (env) {
      provider = provider.toLowerCase(Locale.ROOT);
    }
    String rawKey = rest.substring(sep + 1);
    for (ConfigKey key : SCOPED) {
      if (rawNameOf(source, provider, key).equals(rawName)) {
        return Optional.of(new Name(provider, rawKey, key));
      }
    }
    return Optional.of(new Name(provider, rawKey, null));
  }

  /**
   * The source that gives {@code provider}'s own keys found in {@code source}, as their plain keys,
   * under {@code source}'s name and raw names.
   */
  static ConfigSource view(ConfigSource source, String provider) {
    Map<String, String> entries = new LinkedHashMap<>();
    source
        .entries()
        .forEach(
            (rawName, value) ->
                parse(source, rawName)
                    .filter(n -> n.key() != null && n.provider().equals(provider))
                    .ifPresent(n -> entries.put(rawName, value)));
    Map<String, String> view = Collections.unmodifiableMap(entries);
    return new ConfigSource() {
      @Override
      public String name() {
        return source.name();
      }

      @Override
      public Map<String, String> entries() {
        return view;
      }

      @Override
      public Optional<ConfigKey> keyOf(String rawName) {
        return view.containsKey(rawName) ? parse(source, rawName).map(Name::key) : Optional.empty();
      }

      @Override
      public String rawNameOf(ConfigKey key) {
        return ProviderKeys.rawNameOf(source, provider, key);
      }
    };
  }
}
