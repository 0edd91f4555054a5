package io.portcullis.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code preserve-post} (README "A form posted during a login"): a browser's same-origin form
 * {@code POST} that needs a login is kept across it and posted once more, from the browser, after
 * the callback.
 *
 * <p>The body is read whole (at most {@code preserve-post-max-bytes}) before the login starts and
 * kept server-side, in the HTTP session: one per session (a later one replaces it), encrypted and
 * authenticated with the state key ({@link StateCookieCodec}) under associated data derived from
 * the pending login's {@code state}, so that only the callback of <em>that</em> login opens it;
 * that callback removes it (one use), and after the login lifetime ({@link
 * LoginStarter#LIFETIME_MILLIS}) it is not released. The body never goes into a URL, a cookie or a
 * log line: only into the callback's answer, an auto-submitting page ({@link Outcome.ReplayPost}).
 *
 * <p>A cross-site {@code POST} is never kept (THREATS C-07): replayed after the login, from the
 * application's own origin, it would carry the session cookie that {@code SameSite} withheld from
 * the original. Such a request keeps today's answer, {@code 401}.
 */
final class PreservedPost {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** The session attribute that holds the kept form. */
  static final String ATTRIBUTE = "io.portcullis.preserved-post";

  static final String FORM_TYPE = "application/x-www-form-urlencoded";

  /** Browsers' legacy encoding: where a body is not UTF-8 and says nothing of its charset. */
  private static final Charset LEGACY = Charset.forName("windows-1252");

  private final int maxBytes;
  private final StateCookieCodec codec;
  private final Urls urls;
  private final Clock clock;

  PreservedPost(int maxBytes, StateCookieCodec codec, Urls urls, Clock clock) {
    this.maxBytes = maxBytes;
    this.codec = codec;
    this.urls = urls;
    this.clock = clock;
  }

  /**
   * A kept form as the session holds it: the lookup key of its pending login, when it was kept, and
   * the sealed target, charset and body.
   */
  record Saved(String key, long createdAtMillis, String sealed) implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      return "PreservedPost.Saved[tx key, " + sealed.length() + " sealed chars]";
    }
  }

  /** A form to post again: where, the fields in order and the charset to encode them in. */
  record Form(String target, List<Outcome.ReplayPost.Field> fields, Charset charset) {}

  /**
   * Whether {@code exchange} is a browser's same-origin form submission: a {@code POST} that is a
   * navigation by its headers ({@link RequestKind#isApiByHeaders}) and that the browser says is
   * same-origin ({@code Sec-Fetch-Site: same-origin}, or, from a browser that does not send it, an
   * {@code Origin} of the application's own origin).
   */
  boolean applies(HttpExchange exchange) {
    if (!exchange.method().equals("POST") || RequestKind.isApiByHeaders(exchange)) {
      return false;
    }
    String site = exchange.header("Sec-Fetch-Site");
    if (site != null) {
      return site.equalsIgnoreCase("same-origin");
    }
    String origin = exchange.header("Origin");
    Optional<String> app = urls.applicationUrl(exchange);
    return origin != null && app.isPresent() && sameOrigin(origin, app.get());
  }

  /** Whether {@code origin} (an {@code Origin} header) is the origin of {@code appUrl}. */
  static boolean sameOrigin(String origin, String appUrl) {
    try {
      URI o = new URI(origin);
      URI a = new URI(appUrl);
      return o.getScheme() != null
          && o.getHost() != null
          && (o.getRawPath() == null || o.getRawPath().isEmpty())
          && o.getScheme().equalsIgnoreCase(a.getScheme())
          && o.getHost().equalsIgnoreCase(a.getHost())
          && port(o) == port(a);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /**
   * Reads the form of {@code exchange} (which {@link #applies}): the form, or the refusal when it
   * cannot be kept (another type, larger than the limit, unreadable).
   */
  Kept read(HttpExchange exchange, String target) {
    String contentType = exchange.header("Content-Type");
    Charset declared;
    try {
      declared = formCharset(contentType);
    } catch (IllegalArgumentException e) {
      return new Kept(null, Reason.POST_TYPE);
    }
    long length = contentLength(exchange.header("Content-Length"));
    if (length > maxBytes) {
      return new Kept(null, Reason.POST_TOO_LARGE);
    }
    byte[] body;
    try {
      body = exchange.body(maxBytes);
    } catch (IOException e) {
      return new Kept(null, Reason.POST_UNREADABLE);
    }
    if (body == null) {
      return new Kept(null, Reason.POST_TOO_LARGE);
    }
    if (length >= 0 && body.length != length) {
      // Something before the filter has read the body (a filter that parsed the parameters), or
      // the client sent less than it announced: what is left is not the form.
      return new Kept(null, Reason.POST_UNREADABLE);
    }
    Form form = decode(target, body, declared);
    return form == null ? new Kept(null, Reason.POST_UNREADABLE) : new Kept(form, null);
  }

  /** A form read, or why not. */
  record Kept(@Nullable Form form, @Nullable Reason refused) {}

  /** A {@code Content-Length} value, or -1 when there is none or it is not a number. */
  private static long contentLength(@Nullable String header) {
    String value = header == null ? "" : header.strip();
    if (value.isEmpty()
        || value.length() > 18
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1; // the container judges a malformed length; the read is bounded anyway
    }
    return Long.parseLong(value);
  }

  /**
   * The charset a form body's {@code Content-Type} names, or null when it names none.
   *
   * @throws IllegalArgumentException when it is not {@code application/x-www-form-urlencoded}, or
   *     names a charset this JVM does not know
   */
  static @Nullable Charset formCharset(@Nullable String contentType) {
    if (contentType == null) {
      throw new IllegalArgumentException("no content type");
    }
    String[] parts = contentType.split(";");
    if (!parts[0].strip().toLowerCase(Locale.ROOT).equals(FORM_TYPE)) {
      throw new IllegalArgumentException("not a form");
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        String name = p.substring(eq + 1).strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
          name = name.substring(1, name.length() - 1);
        }
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw new IllegalArgumentException("unknown charset", e);
        }
      }
    }
    return null;
  }

  /**
   * The fields of a form-urlencoded body (WHATWG URL "application/x-www-form-urlencoded parsing"):
   * {@code &}-separated, empty pieces skipped, the first {@code =} splitting name from value,
   * {@code +} a space; in {@code declared}, else UTF-8 when the bytes are UTF-8, else the browsers'
   * legacy windows-1252. Null when a percent escape is malformed.
   */
  static @Nullable Form decode(String target, byte[] body, @Nullable Charset declared) {
    List<byte[][]> raw = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '&') {
        if (i > start) {
          int eq = start;
          while (eq < i && body[eq] != '=') {
            eq++;
          }
          byte[] name = unescape(body, start, eq);
          byte[] value = eq < i ? unescape(body, eq + 1, i) : new byte[0];
          if (name == null || value == null) {
            return null;
          }
          raw.add(new byte[][] {name, value});
        }
        start = i + 1;
      }
    }
    Charset charset = declared;
    if (charset == null) {
      charset = StandardCharsets.UTF_8;
      for (byte[][] pair : raw) {
        if (!isUtf8(pair[0]) || !isUtf8(pair[1])) {
          charset = LEGACY;
          break;
        }
      }
    }
    List<Outcome.ReplayPost.Field> fields = new ArrayList<>(raw.size());
    for (byte[][] pair : raw) {
      fields.add(
          new Outcome.ReplayPost.Field(new String(pair[0], charset), new String(pair[1], charset)));
    }
    return new Form(target, List.copyOf(fields), charset);
  }

  private static byte @Nullable [] unescape(byte[] in, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = in[i];
      if (b == '+') {
        out.write(' ');
      } else if (b == '%') {
        int hi = i + 2 < to ? Character.digit(in[i + 1], 16) : -1;
        int lo = i + 2 < to ? Character.digit(in[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** What keeps {@code form} for the pending login about to start ({@link LoginStarter}). */
  Consumer<PendingLogin> keeper(HttpExchange exchange, Form form) {
    return pending -> save(exchange, pending.state(), form);
  }

  /**
   * Keeps {@code form} in the session for the pending login of {@code state}, replacing any form
   * kept before (one per session).
   */
  void save(HttpExchange exchange, String state, Form form) {
    StringBuilder plain =
        new StringBuilder(form.target()).append('\n').append(form.charset().name()).append('\n');
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (Outcome.ReplayPost.Field f : form.fields()) {
      plain
          .append(b64.encodeToString(f.name().getBytes(StandardCharsets.UTF_8)))
          .append('.')
          .append(b64.encodeToString(f.value().getBytes(StandardCharsets.UTF_8)))
          .append('\n');
    }
    String sealed = codec.seal(associatedData(state), plain.toString());
    exchange.sessionAttribute(ATTRIBUTE, new Saved(key(state), clock.millis(), sealed));
    LOG.log(
        Level.DEBUG,
        () ->
            "portcullis: form kept for tx="
                + Randoms.fingerprint(state)
                + " fields="
                + form.fields().size());
  }

  /**
   * The form kept for the pending login of {@code state}, removed from the session (one use); null
   * when there is none, it belongs to another pending login, or it has expired.
   */
  @Nullable Form take(HttpExchange exchange, String state) {
    if (!(exchange.sessionAttribute(ATTRIBUTE) instanceof Saved saved)
        || !Randoms.constantTimeEquals(saved.key(), key(state))) {
      return null;
    }
    exchange.sessionAttribute(ATTRIBUTE, null);
    long age = clock.millis() - saved.createdAtMillis();
    if (age > LoginStarter.LIFETIME_MILLIS || age < -60_000) {
      return null;
    }
    Optional<String> plain = codec.open(associatedData(state), saved.sealed());
    return plain.isPresent() ? parse(plain.get()) : null;
  }

  private static @Nullable Form parse(String plain) {
    String[] lines = plain.split("\n", -1);
    if (lines.length < 3 || !lines[lines.length - 1].isEmpty()) {
      return null;
    }
    try {
      Charset charset = Charset.forName(lines[1]);
      Base64.Decoder b64 = Base64.getUrlDecoder();
      List<Outcome.ReplayPost.Field> fields = new ArrayList<>();
      for (int i = 2; i < lines.length - 1; i++) {
        int dot = lines[i].indexOf('.');
        fields.add(
            new Outcome.ReplayPost.Field(
                new String(b64.decode(lines[i].substring(0, dot)), StandardCharsets.UTF_8),
                new String(b64.decode(lines[i].substring(dot + 1)), StandardCharsets.UTF_8)));
      }
      return new Form(lines[0], List.copyOf(fields), charset);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The session's lookup key of the pending login of {@code state}. */
  static String key(String state) {
    return Randoms.hashKey("preserve-post:" + state, 43);
  }

  /** What the sealed form is bound to: the pending login of {@code state} (ASCII). */
  private static String associatedData(String state) {
    return "PORTCULLIS_POST_" + Randoms.hashKey(state, 43);
  }
}
