package io.portcullis.benchmarks.load;

import io.portcullis.benchmarks.load.Variants.Variant;
import jakarta.servlet.http.HttpSession;
import java.io.BufferedReader;
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
import java.util.Arrays;
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
 * Loads {@code GET /protected} with logged-in session cookies on embedded Jetty servers (A no
 * filter, B Portcullis, C Spring Security {@code oauth2Login}, D pac4j; S, a diagnostic, no filter
 * but a container session), interleaved round by round, with {@code wrk} or, where wrk is not
 * installed, {@link JavaLoad}; then measures what each variant keeps in the HTTP session and the
 * heap a logged-in session retains. Run by {@code benchmarks/run-load.sh}, never by the build.
 *
 * <p>Each variant runs in its own JVM ({@link VariantServer}). Rounds go in the order given, then
 * back. Options: {@code --rounds N} (16), {@code --seconds S} (3), {@code --warmup S} (5), {@code
 * --connections C} (2), {@code --threads T} (1, wrk only), {@code --users U} (1: every request
 * carries the one session cookie; with U &gt; 1 each variant logs in U users and the requests go
 * round-robin over their cookies, as many users' requests would), {@code --sessions N} (1000; 0
 * skips the heap measurement), {@code --variants ASNFBCD} (A first; S, N and F are diagnostics, L
 * is B with back-channel logout on, see {@link Variants}), {@code --generator wrk|java} (wrk when
 * installed).
 */
public final class LoadBenchmark {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PCT =
      Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern CHECK = Pattern.compile("CHECK ok=(\\d+) bad=(\\d+)");
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");
  private static final Pattern JAVA_RESULT =
      Pattern.compile(
          "RESULT rps=([0-9.]+) p50us=([0-9.NaN]+) p99us=([0-9.NaN]+) ok=(\\d+) bad=(\\d+)");

  private LoadBenchmark() {}

  record Round(double rps, double p50Micros, double p99Micros, long ok, long bad) {}

  /** How one round is driven: wrk or the Java generator. */
  private interface Generator {
    Round run(Remote v, int seconds) throws IOException, InterruptedException;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "16"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "3"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "2"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    int users = Integer.parseInt(opts.getOrDefault("users", "1"));
    int sessionCount = Integer.parseInt(opts.getOrDefault("sessions", "1000"));
    String selected = opts.getOrDefault("variants", "ASNFBCD");
    String generatorName = opts.getOrDefault("generator", wrkInstalled() ? "wrk" : "java");
    if (!selected.startsWith("A")) {
      throw new IllegalArgumentException("--variants must start with A, the no-filter baseline");
    }
    if (users < 1) {
      throw new IllegalArgumentException("--users must be at least 1");
    }

    Generator generator;
    if (generatorName.equals("wrk")) {
      Path lua = Files.createTempFile("portcullis-load", ".lua");
      try (var in = LoadBenchmark.class.getResourceAsStream("check.lua")) {
        Files.write(lua, in.readAllBytes());
      }
      lua.toFile().deleteOnExit();
      generator = (v, s) -> wrk(v, lua, s, threads, connections);
    } else if (generatorName.equals("java")) {
      generator = (v, s) -> javaLoad(v, s, connections);
    } else {
      throw new IllegalArgumentException("--generator is wrk or java, not " + generatorName);
    }

    try (BenchProvider provider = new BenchProvider()) {
      String issuer = provider.issuer();
      System.out.println("provider: " + issuer);
      List<Remote> variants = new ArrayList<>();
      try {
        for (char c : selected.toCharArray()) {
          Remote v = Remote.start(c, issuer, users);
          variants.add(v);
          System.out.printf(
              "%s %-34s own JVM, logged in %d user(s), cookie %s%n",
              v.key,
              v.name,
              v.cookies.size(),
              v.cookies.isEmpty() ? "(none)" : names(v.cookies.get(0)));
        }

        System.out.printf(
            "generator: %s; warm-up %d s per variant, then %d rounds x %d s, %d connection(s)%s, "
                + "%d user(s) per variant, order %s and back%n",
            generatorName,
            warmup,
            rounds,
            seconds,
            connections,
            generatorName.equals("wrk") ? ", wrk -t" + threads : "",
            users,
            String.join(" ", selected.split("")));
        for (Remote v : variants) {
          if (warmup > 0) {
            generator.run(v, warmup);
          }
        }
        Map<String, List<Round>> results = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        List<Remote> reversed = new ArrayList<>(variants);
        Collections.reverse(reversed);
        for (int r = 1; r <= rounds; r++) {
          // A B C D, then D C B A: a drift in the machine's load during a round does not always
          // fall on the same variant.
          for (Remote v : r % 2 == 1 ? variants : reversed) {
            long cpuBefore = v.cpuNanos();
            Round round = generator.run(v, seconds);
            long cpuAfter = v.cpuNanos();
            v.command("VERIFY");
            double cpuPerRequest = (cpuAfter - cpuBefore) / 1e3 / Math.max(1, round.ok + round.bad);
            results.computeIfAbsent(v.key, k -> new ArrayList<>()).add(round);
            cpu.computeIfAbsent(v.key, k -> new ArrayList<>()).add(cpuPerRequest);
            System.out.printf(
                Locale.ROOT,
                "round %d %s %-34s %10.0f req/s  p50 %8.1f us  p99 %8.1f us  cpu %6.1f us/req"
                    + "  ok %d bad %d%n",
                r,
                v.key,
                v.name,
                round.rps,
                round.p50Micros,
                round.p99Micros,
                cpuPerRequest,
                round.ok,
                round.bad);
          }
        }

        List<Round> base = results.get("A");
        System.out.println();
        System.out.println(
            "Ratio: each round's requests/s over the no-filter requests/s of the same round; the median"
                + " of the rounds, then the lowest and highest round.");
        System.out.println();
        System.out.println(
            "| Variant | Requests/s (median) | p50 (median) | p99 (median) | Ratio to no filter (median) "
                + "| Lowest–highest round | Non-200 or wrong body |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Remote v : variants) {
          List<Round> rs = results.get(v.key);
          double[] ratios = new double[rs.size()];
          for (int i = 0; i < rs.size(); i++) {
            ratios[i] = rs.get(i).rps / base.get(i).rps;
          }
          Arrays.sort(ratios);
          long bad = rs.stream().mapToLong(Round::bad).sum();
          System.out.printf(
              Locale.ROOT,
              "| %s %s | %.0f | %s | %s | %.3f | %.3f–%.3f | %d |%n",
              v.key,
              v.name,
              median(rs, Round::rps),
              micros(median(rs, Round::p50Micros)),
              micros(median(rs, Round::p99Micros)),
              median(ratios),
              ratios[0],
              ratios[ratios.length - 1],
              bad);
        }
        System.out.println();
        System.out.println(
            "Server CPU time per request: the variant's JVM's CPU time (all its threads: Jetty, filter, JIT,"
                + " GC) over a round, divided by the requests answered in the round; the median of the rounds. The ratio"
                + " is no filter's CPU per request over the variant's, round by round, so 1.000 costs nothing and lower"
                + " costs more.");
        System.out.println();
        System.out.println(
            "| Variant | Server CPU per request (median) | CPU ratio to no filter (median) | Lowest–highest round |");
        System.out.println("|---|---:|---:|---:|");
        List<Double> baseCpu = cpu.get("A");
        for (Remote v : variants) {
          List<Double> cs = cpu.get(v.key);
          double[] ratios = new double[cs.size()];
          for (int i = 0; i < cs.size(); i++) {
            ratios[i] = baseCpu.get(i) / cs.get(i);
          }
          Arrays.sort(ratios);
          System.out.printf(
              Locale.ROOT,
              "| %s %s | %.1f µs | %.3f | %.3f–%.3f |%n",
              v.key,
              v.name,
              median(cs.stream().mapToDouble(Double::doubleValue).toArray()),
              median(ratios),
              ratios[0],
              ratios[ratios.length - 1]);
        }
        System.out.println();
        System.out.println(
            "Session after login (each attribute serialized alone with ObjectOutputStream; the largest"
                + " of the variant's sessions):");
        System.out.println();
        System.out.println("| Variant | Session bytes | Attributes |");
        System.out.println("|---|---:|---|");
        for (Remote v : variants) {
          System.out.printf("| %s %s | %s |%n", v.key, v.name, v.session);
        }

        if (sessionCount > 0) {
          System.out.println();
          System.out.printf(
              "Heap per logged-in session (%d logins per variant, each in its own JVM; used heap after full"
                  + " GCs):%n",
              sessionCount);
          System.out.println();
          System.out.println(
              "| Variant | Heap growth per login (whole JVM) | Freed per session on invalidate | New sessions | Time per login |");
          System.out.println("|---|---:|---:|---:|---:|");
          for (Remote v : variants) {
            if (v.cookies.isEmpty()) {
              System.out.printf("| %s %s | – (no login) | – | 0 | – |%n", v.key, v.name);
              continue;
            }
            System.out.println(v.command("HEAP " + sessionCount));
          }
        }
      } finally {
        for (Remote v : variants) {
          v.close();
        }
      }
    }
  }

  /** A variant running in its own JVM ({@link VariantServer}), driven over its stdin and stdout. */
  static final class Remote implements AutoCloseable {
    final String key;
    final Process process;
    final BufferedReader out;
    final java.io.PrintWriter in;
    String name = "";
    String url = "";
    String session = "";
    final List<String> cookies = new ArrayList<>();

    private Remote(String key, Process process) {
      this.key = key;
      this.process = process;
      this.out =
          new BufferedReader(
              new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new java.io.PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static Remote start(char key, String issuer, int users) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = Path.of("benchmarks", "target", "load-variant-" + key + ".log");
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xms1g",
                  "-Xmx1g",
                  "-XX:+UseG1GC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  VariantServer.class.getName(),
                  String.valueOf(key),
                  issuer,
                  Integer.toString(users))
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      Remote r = new Remote(String.valueOf(key), p);
      for (String line = r.next(); !line.equals("READY"); line = r.next()) {
        if (line.startsWith("NAME ")) {
          r.name = line.substring(5);
        } else if (line.startsWith("URL ")) {
          r.url = line.substring(4);
        } else if (line.startsWith("COOKIE ")) {
          r.cookies.add(line.substring(7));
        } else if (line.startsWith("SESSION ")) {
          r.session = line.substring(8);
        }
      }
      return r;
    }

    /**
     * The next protocol line; fails when the process ended (its stderr is in {@code
     * benchmarks/target}).
     */
    private String next() throws IOException {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("@@ ")) {
          return line.substring(3);
        }
      }
      throw new IllegalStateException(
          "variant " + key + " ended; see benchmarks/target/load-variant-" + key + ".log");
    }

    /** CPU time used so far by the variant's JVM, all threads. */
    long cpuNanos() {
      return process
          .toHandle()
          .info()
          .totalCpuDuration()
          .orElseThrow(
              () -> new IllegalStateException("this platform does not report a process's CPU time"))
          .toNanos();
    }

    /** Sends a command; returns what follows {@code OK}, or fails with the variant's error. */
    String command(String command) throws IOException {
      in.println(command);
      String answer = next();
      if (answer.equals("OK")) {
        return "";
      }
      if (answer.startsWith("OK ")) {
        return answer.substring(3);
      }
      throw new IllegalStateException(name + ": " + command + ": " + answer);
    }

    @Override
    public void close() throws Exception {
      in.println("QUIT");
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static boolean wrkInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Drives the browser redirects of one login with a cookie map per host and port; returns the
   * app's Cookie header.
   */
  static String login(HttpClient http, Variant v) throws IOException, InterruptedException {
    Map<String, Map<String, String>> jar = new HashMap<>();
    int unavailable = 0;
    URI uri = URI.create(v.base + v.loginPath);
    for (int hop = 0; hop < 20; hop++) {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(uri)
              .GET()
              .timeout(Duration.ofSeconds(10))
              .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
              .header("Sec-Fetch-Mode", "navigate")
              .header("Sec-Fetch-Dest", "document")
              .header("User-Agent", "Mozilla/5.0 (portcullis-load-benchmark)");
      String cookies = cookieHeader(jar.get(uri.getAuthority()));
      if (!cookies.isEmpty()) {
        req.header("Cookie", cookies);
      }
      HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> hostJar =
          jar.computeIfAbsent(uri.getAuthority(), k -> new LinkedHashMap<>());
      for (String setCookie : resp.headers().allValues("Set-Cookie")) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        String lower = setCookie.toLowerCase(Locale.ROOT);
        if (value.isEmpty()
            || lower.contains("max-age=0")
            || lower.contains("expires=thu, 01 jan 1970")) {
          hostJar.remove(name);
        } else {
          hostJar.put(name, value);
        }
      }
      int status = resp.statusCode();
      if (status == 503 && hop == 0 && unavailable++ < 50) {
        // The filter loads the provider's metadata in the background after start: wait for it.
        Thread.sleep(200);
        hop--;
        continue;
      }
      if (status >= 300 && status < 400) {
        String location = resp.headers().firstValue("Location").orElseThrow();
        uri = uri.resolve(location);
        continue;
      }
      if (status == 200
          && uri.getPath().equals(Variants.PATH)
          && Variants.BODY.equals(resp.body())) {
        return cookieHeader(jar.get(URI.create(v.base).getAuthority()));
      }
      throw new IllegalStateException(
          v.name + ": login ended at " + uri + " with " + status + ": " + abbreviate(resp.body()));
    }
    throw new IllegalStateException(v.name + ": more than 20 redirects");
  }

  /**
   * A plain request with just {@code cookie} ("" for none) must answer 200 and the servlet's body.
   */
  static void verify(HttpClient http, Variant v, String cookie)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(v.url())).GET().timeout(Duration.ofSeconds(10));
    if (!cookie.isEmpty()) {
      req.header("Cookie", cookie);
    }
    HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200 || !Variants.BODY.equals(resp.body())) {
      throw new IllegalStateException(
          v.name
              + ": GET "
              + v.url()
              + " with the session cookie answered "
              + resp.statusCode()
              + " "
              + resp.headers().firstValue("Location").orElse("")
              + " "
              + abbreviate(resp.body()));
    }
  }

  static Round wrk(Remote v, Path lua, int seconds, int threads, int connections)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "-s",
                lua.toString()));
    cmd.add(v.url);
    cmd.add("--");
    cmd.add(Variants.BODY);
    cmd.addAll(v.cookies);
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
      double factor =
          switch (m.group(3)) {
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
    return new Round(
        Double.parseDouble(rps.group(1)),
        pct.getOrDefault("50", Double.NaN),
        pct.getOrDefault("99", Double.NaN),
        Long.parseLong(check.group(1)),
        bad);
  }

  /** The largest session the variant's container holds: each attribute serialized alone, summed. */
  static String sessionBytes(Variant v) {
    if (v.sessions.isEmpty()) {
      return "0 | (no session)";
    }
    String largest = null;
    long largestTotal = -1;
    for (HttpSession session : v.sessions) {
      List<String> parts = new ArrayList<>();
      long total = 0;
      for (String name : Collections.list(attributeNames(session))) {
        Object value = session.getAttribute(name);
        int size = serializedSize(value);
        parts.add(
            name
                + " ("
                + (value == null ? "null" : value.getClass().getSimpleName())
                + ") "
                + (size < 0 ? "NOT SERIALIZABLE" : size + " B"));
        total += Math.max(size, 0);
      }
      if (total > largestTotal) {
        largestTotal = total;
        largest = String.join("; ", parts);
      }
    }
    return largestTotal + " | " + largest + " (" + v.sessions.size() + " sessions)";
  }

  /** One round with {@link JavaLoad} in its own JVM. */
  static Round javaLoad(Remote v, int seconds, int connections)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xms256m",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                JavaLoad.class.getName(),
                v.url,
                Integer.toString(seconds),
                Integer.toString(connections),
                Variants.BODY));
    cmd.addAll(v.cookies);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = JAVA_RESULT.matcher(out);
    if (p.waitFor() != 0 || !m.find()) {
      throw new IllegalStateException("the Java load generator failed: " + out);
    }
    return new Round(
        Double.parseDouble(m.group(1)),
        Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3)),
        Long.parseLong(m.group(4)),
        Long.parseLong(m.group(5)));
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

  /**
   * Logs in {@code n} times (a fresh cookie jar each), measuring used heap before, after, and after
   * invalidating.
   */
  static String heap(HttpClient http, Variant v, int n) throws Exception {
    java.util.Set<HttpSession> before =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
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
    return String.format(
        Locale.ROOT,
        "| %s %s | %d B | %d B | %d | %.1f ms |",
        v.key,
        v.name,
        (used1 - used0) / n,
        (used1 - used2) / Math.max(live, 1),
        live,
        loginMillis / (double) n);
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
    return median(rounds.stream().mapToDouble(f).sorted().toArray());
  }

  private static double median(double[] values) {
    values = values.clone();
    Arrays.sort(values);
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private static String micros(double us) {
    return us >= 1000
        ? String.format(Locale.ROOT, "%.2f ms", us / 1000)
        : String.format(Locale.ROOT, "%.0f µs", us);
  }

  private static String cookieHeader(Map<String, String> cookies) {
    if (cookies == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    cookies.forEach(
        (k, val) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(val));
    return sb.toString();
  }

  private static String names(String cookieHeader) {
    List<String> names = new ArrayList<>();
    for (String c : cookieHeader.split("; ")) {
      names.add(
          c.substring(0, c.indexOf('=')) + " (" + (c.length() - c.indexOf('=') - 1) + " chars)");
    }
    return String.join(", ", names);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
