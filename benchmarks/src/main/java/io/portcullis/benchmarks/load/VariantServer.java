package io.portcullis.benchmarks.load;

import io.portcullis.benchmarks.load.Variants.Variant;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One variant in its own JVM, as an application runs in production: its JIT profiles and its heap
 * are its own, so no variant's filter makes another's call sites megamorphic or leaves garbage for
 * another's collections. {@link LoadBenchmark} starts one per variant and talks to it over
 * stdin/stdout; every protocol line it writes starts with {@code @@ }.
 *
 * <p>Arguments: {@code key issuer users}. It starts the variant, logs in {@code users} users (none
 * for A), then writes {@code @@ NAME}, {@code @@ URL}, one {@code @@ COOKIE} per user, {@code @@
 * SESSION} and {@code @@ READY}. Commands: {@code VERIFY} (every cookie still gets 200 and the
 * body), {@code HEAP n} (the heap measurement of n logins), {@code QUIT}. Each answers {@code @@ OK
 * …} or {@code @@ ERROR …}.
 */
public final class VariantServer {
  private VariantServer() {}

  public static void main(String[] args) throws Exception {
    char key = args[0].charAt(0);
    String issuer = args[1];
    int users = Integer.parseInt(args[2]);
    Variant v = Variants.start(key, issuer);
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      // A variant without login (no filter) answers the first attempt with no cookie: one "user".
      List<String> cookies = new ArrayList<>();
      do {
        String cookie = LoadBenchmark.login(http, v);
        LoadBenchmark.verify(http, v, cookie);
        cookies.add(cookie);
      } while (!cookies.get(0).isEmpty() && cookies.size() < users);
      say("NAME " + v.name);
      say("URL " + v.url());
      for (String c : cookies) {
        if (c.isEmpty()) {
          continue;
        }
        say("COOKIE " + c);
      }
      say("SESSION " + LoadBenchmark.sessionBytes(v));
      say("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine();
          line != null && !line.equals("QUIT");
          line = in.readLine()) {
        try {
          if (line.equals("VERIFY")) {
            for (String c : cookies) {
              LoadBenchmark.verify(http, v, c);
            }
            say("OK");
          } else if (line.startsWith("HEAP ")) {
            say("OK " + LoadBenchmark.heap(http, v, Integer.parseInt(line.substring(5))));
          } else {
            say("ERROR unknown command " + line);
          }
        } catch (Exception e) {
          say("ERROR " + e);
        }
      }
    } finally {
      v.close();
    }
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println("@@ " + line);
    System.out.flush();
  }
}
