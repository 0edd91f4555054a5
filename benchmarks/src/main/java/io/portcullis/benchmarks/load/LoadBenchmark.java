package io.portcullis.benchmarks.load;

import io.portcullis.benchmarks.load.Variants.Variant;
import jakarta.servlet.http.HttpSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@code GET /protected} with a logged-in session cookie on four embedded Jetty servers (no
 * filter, Portcullis, Spring Security {@code oauth2Login}, pac4j), interleaved round by round, with
 * {@code wrk}; then measures what each variant keeps in the HTTP session. Run by
 * {@code benchmarks/run-load.sh}, never by the build.
 *
 * <p>Options: {@code --rounds N} (5), {@code --seconds S} (10), {@code --warmup S} (5),
 * {@code --connections C} (2), {@code --threads T} (1), {@code --sessions N} (1000; 0 skips the
 * heap measurement).
 */
public final class LoadBenchmark {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PCT = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern CHECK = Pattern.compile("CHECK ok=(\\d+) bad=(\\d+)");
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");

  private LoadBenchmark() {}

  record Round(double rps, double p50Micros, double p99Micros, long ok, long bad) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "2"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    int sessionCount = Integer.parseInt(opts.getOrDefault("sessions", "1000"));

    Path lua = Files.createTempFile("portcullis-load", ".lua");
    try (var in = LoadBenchmark.class.getResourceAsStream("check.lua")) {
      Files.write(lua, in.readAllBytes());
    }
    lua.toFile().deleteOnExit();

    try (BenchProvider provider = new BenchProvider()) {
      String issuer = provider.issuer();
      System.out.println("provider: " + issuer);
      List<Variant> variants = List.of(
          Variants.noFilter(),
          Variants.portcullis(issuer),
          Variants.springSecurity(issuer),
          Variants.pac4j(issuer));
      try {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> sessionReport = new LinkedHashMap<>();
        for (Variant v : variants) {
          v.cookie = login(http, v);
          verify(http, v);
          sessionReport.put(v.key, sessionBytes(v));
          System.out.printf("%s %-28s logged in, cookie %s%n", v.key, v.name, v.cookie.isEmpty() ? "(none)" : names(v.cookie));
        }

        System.out.printf("warm-up: %d s per variant, then %d rounds x %d s, wrk -t%d -c%d, order A B C D%n",
            warmup, rounds, seconds, threads, connections);
        for (Variant v : variants) {
          if (warmup > 0) {
            wrk(v, lua, warmup, threads, connections);
          }
        }
        Map<String, List<Round>> results = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
          for (Variant v : variants) {
            Round round = wrk(v, lua, seconds, threads, connections);
            verify(http, v);
            results.computeIfAbsent(v.key, k -> new ArrayList<>()).add(round);
            System.out.printf(Locale.ROOT, "round %d %s %-28s %10.0f req/s  p50 %8.1f us  p99 %8.1f us  ok %d bad %d%n",
                r, v.key, v.name, round.rps, round.p50Micros, round.p99Micros, round.ok, round.bad);
          }
        }

        double baseline = median(results.get("A"), Round::rps);
        System.out.println();
        System.out.println("| Variant | Requests/s (median) | p50 (median) | p99 (median) | Ratio to no filter | Non-200 or wrong body |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Variant v : variants) {
          List<Round> rs = results.get(v.key);
          double rps = median(rs, Round::rps);
          long bad = rs.stream().mapToLong(Round::bad).sum();
          System.out.printf(Locale.ROOT, "| %s %s | %.0f | %s | %s | %.3f | %d |%n", v.key, v.name, rps,
              micros(median(rs, Round::p50Micros)), micros(median(rs, Round::p99Micros)), rps / baseline, bad);
        }
        System.out.println();
        System.out.println("Session after one login (each attribute serialized alone with ObjectOutputStream):");
        System.out.println();
        System.out.println("| Variant | Session bytes | Attributes |");
        System.out.println("|---|---:|---|");
        for (Variant v : variants) {
          System.out.printf("| %s %s | %s |%n", v.key, v.name, sessionReport.get(v.key));
        }

        if (sessionCount > 0) {
          System.out.println();
          System.out.printf("Heap per logged-in session (%d logins per variant; used heap after full GCs):%n", sessionCount);
          System.out.println();
          System.out.println("| Variant | Heap growth per login (whole JVM) | Freed per session on invalidate | New sessions | Time per login |");
          System.out.println("|---|---:|---:|---:|---:|");
          for (Variant v : variants) {
            if (v.key.equals("A")) {
              System.out.printf("| %s %s | – (no login) | – | 0 | – |%n", v.key, v.name);
              continue;
            }
            heap(http, v, sessionCount);
          }
        }
      } finally {
        for (Variant v : variants) {
          v.close();
        }
      }
    }
  }

  /** Drives the browser redirects of one login with a cookie map per host and port; returns the app's Cookie header. */
  static String login(HttpClient http, Variant v) throws IOException, InterruptedException {
    Map<String, Map<String, String>> jar = new HashMap<>();
    URI uri = URI.create(v.url());
    for (int hop = 0; hop < 20; hop++) {
      HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(10))
          .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
          .header("Sec-Fetch-Mode", "navigate")
          .header("Sec-Fetch-Dest", "document")
          .header("User-Agent", "Mozilla/5.0 (portcullis-load-benchmark)");
      String cookies = cookieHeader(jar.get(uri.getAuthority()));
      if (!cookies.isEmpty()) {
        req.header("Cookie", cookies);
      }
      HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> hostJar = jar.computeIfAbsent(uri.getAuthority(), k -> new LinkedHashMap<>());
      for (String setCookie : resp.headers().allValues("Set-Cookie")) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        String lower = setCookie.toLowerCase(Locale.ROOT);
        if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
          hostJar.remove(name);
        } else {
          hostJar.put(name, value);
        }
      }
      int status = resp.statusCode();
      if (status >= 300 && status < 400) {
        String location = resp.headers().firstValue("Location").orElseThrow();
        uri = uri.resolve(location);
        continue;
      }
      if (status == 200 && uri.getPath().equals(Variants.PATH) && Variants.BODY.equals(resp.body())) {
        return cookieHeader(jar.get(URI.create(v.base).getAuthority()));
      }
      throw new IllegalStateException(v.name + ": login ended at " + uri + " with " + status + ": " + abbreviate(resp.body()));
    }
    throw new IllegalStateException(v.name + ": more than 20 redirects");
  }

  /** A plain request with just the session cookie must answer 200 and the servlet's body. */
  static void verify(HttpClient http, Variant v) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(v.url())).GET().timeout(Duration.ofSeconds(10));
    if (!v.cookie.isEmpty()) {
      req.header("Cookie", v.cookie);
    }
    HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200 || !Variants.BODY.equals(resp.body())) {
      throw new IllegalStateException(v.name + ": GET " + v.url() + " with the session cookie answered "
          + resp.statusCode() + " " + resp.headers().firstValue("Location").orElse("") + " " + abbreviate(resp.body()));
    }
  }

  static Round wrk(Variant v, Path lua, int seconds, int threads, int connections) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
        "--latency", "-s", lua.toString()));
    if (!v.cookie.isEmpty()) {
      cmd.add("-H");
      cmd.add("Cookie: " + v.cookie);
    }
    cmd.add(v.url());
    cmd.add("--");
    cmd.add(Variants.BODY);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    Matcher rps = RPS.matcher(out);
    Matcher check = CHECK.matcher(out);
    if (!rps.find() || !check.find()) {
      throw new IllegalStateException("cannot parse wrk output: " + out);
    }
    Map<String, Double> pct = new HashMap<>();
    Matcher m = PCT.matcher(out);
    while (m.find()) {
      double value = Double.parseDouble(m.group(2));
      double factor = switch (m.group(3)) {
        case "us" -> 1;
        case "ms" -> 1_000;
        default -> 1_000_000;
      };
      pct.put(m.group(1), value * factor);
    }
    long bad = Long.parseLong(check.group(2));
    Matcher non2xx = NON2XX.matcher(out);
    Matcher socketErrors = SOCKET_ERRORS.matcher(out);
    if (socketErrors.find()) {
      System.out.println(v.key + " wrk: Socket errors: " + socketErrors.group(1));
    }
    if (non2xx.find()) {
      bad = Math.max(bad, Long.parseLong(non2xx.group(1)));
    }
    return new Round(Double.parseDouble(rps.group(1)), pct.getOrDefault("50", Double.NaN),
        pct.getOrDefault("99", Double.NaN), Long.parseLong(check.group(1)), bad);
  }

  /** The session(s) the variant's container holds: each attribute serialized alone, summed. */
  static String sessionBytes(Variant v) {
    if (v.sessions.isEmpty()) {
      return "0 | (no session)";
    }
    List<String> parts = new ArrayList<>();
    long total = 0;
    for (HttpSession session : v.sessions) {
      for (String name : Collections.list(attributeNames(session))) {
        Object value = session.getAttribute(name);
        int size = serializedSize(value);
        parts.add(name + " (" + (value == null ? "null" : value.getClass().getSimpleName()) + ") "
            + (size < 0 ? "NOT SERIALIZABLE" : size + " B"));
        total += Math.max(size, 0);
      }
    }
    return total + " | " + v.sessions.size() + " session(s): " + String.join("; ", parts);
  }

  private static Enumeration<String> attributeNames(HttpSession session) {
    return session.getAttributeNames();
  }

  static int serializedSize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      return -1;
    }
    return bytes.size();
  }

  /** Logs in {@code n} times (a fresh cookie jar each), measuring used heap before, after, and after invalidating. */
  static void heap(HttpClient http, Variant v, int n) throws Exception {
    java.util.Set<HttpSession> before = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    before.addAll(v.sessions);
    long used0 = usedAfterGc();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      login(http, v);
    }
    long loginMillis = (System.nanoTime() - start) / 1_000_000;
    long used1 = usedAfterGc();
    List<HttpSession> created = new ArrayList<>(v.sessions);
    created.removeIf(before::contains);
    int live = created.size();
    for (HttpSession s : created) {
      try {
        s.invalidate();
      } catch (IllegalStateException alreadyInvalid) {
        // fine
      }
    }
    created.clear();
    long used2 = usedAfterGc();
    System.out.printf(Locale.ROOT, "| %s %s | %d B | %d B | %d | %.1f ms |%n", v.key, v.name,
        (used1 - used0) / n, (used1 - used2) / Math.max(live, 1), live, loginMillis / (double) n);
  }

  private static long usedAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private static String micros(double us) {
    return us >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000) : String.format(Locale.ROOT, "%.0f µs", us);
  }

  private static String cookieHeader(Map<String, String> cookies) {
    if (cookies == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    cookies.forEach((k, val) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(val));
    return sb.toString();
  }

  private static String names(String cookieHeader) {
    List<String> names = new ArrayList<>();
    for (String c : cookieHeader.split("; ")) {
      names.add(c.substring(0, c.indexOf('=')) + " (" + (c.length() - c.indexOf('=') - 1) + " chars)");
    }
    return String.join(", ", names);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
