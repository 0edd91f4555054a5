package io.portcullis.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One problem of a configuration, as a record: which key, where its value came from and as what
 * name, the value (never a secret one), what is wrong and what is expected. It becomes a sentence
 * only when {@linkplain #render(Spelling) rendered} in the spelling of the front end a user
 * configures through: {@code client-id} for {@code web.xml} init-params and properties files,
 * {@code portcullis.client-id} for Spring — the raw name of the source ({@code
 * PORTCULLIS_CLIENT_ID} for the environment) is always shown as found.
 *
 * @param kind what sort of problem
 * @param key the key, or null for an {@link Kind#UNKNOWN} name
 * @param source the source's name ({@code init-param}, {@code environment variable}), or null when
 *     a {@link Kind#MISSING} key is set nowhere
 * @param rawName the name as the source spells it ({@code PORTCULLIS_CLIENT_ID}), or null with
 *     {@code source}
 * @param rawValue the value as found, or null when it is not shown (a secret, a value that may hold
 *     credentials, a multi-line value) or not set
 * @param problem what is wrong, e.g. "is not a whole number of seconds"
 * @param expectation what is expected, or null when {@code problem} says it; for an {@link
 *     Kind#UNKNOWN} name, the raw name it may be a misspelling of
 */
public record ConfigProblem(
    Kind kind,
    @Nullable ConfigKey key,
    @Nullable String source,
    @Nullable String rawName,
    @Nullable String rawValue,
    Text problem,
    @Nullable Text expectation)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** What sort of problem. */
  public enum Kind {
    /** A name the source holds that is no key. */
    UNKNOWN,
    /** A required key is not set, or empty. */
    MISSING,
    /** A key's value cannot be used. */
    INVALID
  }

  /** Validates; a secret key's value is never kept. */
  public ConfigProblem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(problem, "problem");
    if (kind != Kind.UNKNOWN) {
      Objects.requireNonNull(key, "key");
    }
    if (kind != Kind.MISSING) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(rawName, "rawName");
    }
    if (key != null && key.secret()) {
      rawValue = null;
    }
  }

  /**
   * How a front end names keys in messages: the key itself, and every way to set it (for a missing
   * key).
   */
  public interface Spelling {
    /** {@code client-id}: init-params, properties files, system properties, environment. */
    Spelling KEYS =
        new Spelling() {
          @Override
          public String key(ConfigKey key) {
            return key.key();
          }

          @Override
          public String howToSet(ConfigKey key) {
            return key.howToSet();
          }
        };

    /** How a message names {@code key}, e.g. {@code portcullis.client-id}. */
    String key(ConfigKey key);

    /** Every way to set {@code key}, e.g. {@code set init-param "client-id", ...}. */
    String howToSet(ConfigKey key);
  }

  /**
   * A sentence fragment that may name keys, which are spelled only when rendered; immutable. Made
   * of strings and {@link ConfigKey}s ({@link #of(Object...)}) and {@link #howToSet}.
   */
  public static final class Text implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A literal, a key, or a key's how-to-set. */
    private record Part(@Nullable String literal, @Nullable ConfigKey key, boolean howToSet)
        implements Serializable {
      private static final long serialVersionUID = 1L;
    }

    private final List<Part> parts;

    private Text(List<Part> parts) {
      this.parts = List.copyOf(parts);
    }

    /** Strings as written, {@link ConfigKey}s spelled, other {@code Text}s inlined. */
    public static Text of(Object... parts) {
      List<Part> out = new ArrayList<>();
      for (Object p : parts) {
        if (p instanceof String s) {
          out.add(new Part(s, null, false));
        } else if (p instanceof ConfigKey k) {
          out.add(new Part(null, k, false));
        } else if (p instanceof Text t) {
          out.addAll(t.parts);
        } else {
          throw new IllegalArgumentException("not a string, key or text: " + p);
        }
      }
      return new Text(out);
    }

    /** Every way to set {@code key}. */
    public static Text howToSet(ConfigKey key) {
      return new Text(List.of(new Part(null, Objects.requireNonNull(key, "key"), true)));
    }

    /** The text with keys in {@code spelling}. */
    public String render(Spelling spelling) {
      StringBuilder out = new StringBuilder();
      for (Part p : parts) {
        if (p.literal() != null) {
          out.append(p.literal());
        } else if (p.howToSet()) {
          out.append(spelling.howToSet(Objects.requireNonNull(p.key())));
        } else {
          out.append(spelling.key(Objects.requireNonNull(p.key())));
        }
      }
      return out.toString();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Text t && t.parts.equals(parts);
    }

    @Override
    public int hashCode() {
      return parts.hashCode();
    }

    /** The text with keys spelled as keys. */
    @Override
    public String toString() {
      return render(Spelling.KEYS);
    }
  }

  /** A name of {@code source} that is no key; {@code suggestion}: a raw name it may misspell. */
  static ConfigProblem unknown(ConfigSource source, String rawName, @Nullable String suggestion) {
    return new ConfigProblem(
        Kind.UNKNOWN,
        null,
        source.name(),
        rawName,
        null,
        Text.of("unknown key"),
        suggestion == null ? null : Text.of(suggestion));
  }

  /** The sentence, keys spelled by {@code spelling}. */
  public String render(Spelling spelling) {
    Objects.requireNonNull(spelling, "spelling");
    String origin = source == null ? "" : "from " + source + " \"" + rawName + "\"";
    switch (kind) {
      case UNKNOWN:
        return problem.render(spelling)
            + " "
            + ConfigParser.quote(Objects.requireNonNull(rawName))
            + " in "
            + source
            + (expectation == null
                ? ""
                : "; did you mean " + ConfigParser.quote(expectation.render(spelling)) + "?");
      case MISSING:
        return spelling.key(Objects.requireNonNull(key))
            + (source == null ? " is not set" : " is empty (" + origin + ")")
            + ", but it "
            + problem.render(spelling)
            + (expectation == null ? "" : "; " + expectation.render(spelling));
      default:
        ConfigKey k = Objects.requireNonNull(key);
        String shown =
            k.secret()
                ? " = (value hidden)"
                : rawValue == null ? "" : " = " + ConfigParser.quote(rawValue);
        return spelling.key(k)
            + shown
            + " ("
            + origin
            + "): "
            + problem.render(spelling)
            + (expectation == null ? "" : "; expected " + expectation.render(spelling));
    }
  }

  /** The sentence with keys spelled as keys. */
  @Override
  public String toString() {
    return render(Spelling.KEYS);
  }
}
