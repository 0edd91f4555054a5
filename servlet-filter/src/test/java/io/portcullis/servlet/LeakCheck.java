package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every Portcullis log line (all levels, through {@code System.Logger} into JUL) and
 * checks that no log line, response body or response header holds a token, code or secret (issue
 * acceptance 5; THREATS E-05).
 */
final class LeakCheck {
  static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static final Logger PORTCULLIS = Logger.getLogger("io.portcullis");

  static {
    PORTCULLIS.setLevel(Level.ALL);
    PORTCULLIS.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getParameters() != null) {
              message = java.text.MessageFormat.format(message, record.getParameters());
            }
            LINES.add(
                record.getLevel()
                    + " "
                    + message
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  private LeakCheck() {}

  /** Installs the capture (idempotent). */
  static void install() {
    // the static initialiser does the work
  }

  /**
   * Asserts that none of {@code secrets} appears in a captured log line, nor in any body or header
   * the browsers saw, except {@code id_token_hint} in a logout redirect to the provider (OIDC
   * RP-Initiated Logout §2 puts the ID token there by design).
   */
  static void assertNoLeaks(
      Collection<String> secrets, Collection<Browser> browsers, String appBase) {
    List<String> all = new ArrayList<>(secrets);
    all.add(TestApp.CLIENT_SECRET);
    for (String secret : all) {
      if (secret == null || secret.length() < 8) {
        continue;
      }
      for (String line : LINES) {
        assertThat(line).as("log line").doesNotContain(secret);
      }
      for (Browser b : browsers) {
        for (HttpResponse<String> r : b.seen) {
          if (!r.uri().toString().startsWith(appBase)) {
            continue; // the provider's own redirects carry codes by design
          }
          assertThat(r.body()).as("body of " + r.uri()).doesNotContain(secret);
          r.headers()
              .map()
              .forEach(
                  (name, values) -> {
                    for (String v : values) {
                      if (name.equalsIgnoreCase("Location") && v.contains("id_token_hint=")) {
                        continue;
                      }
                      assertThat(v).as("header " + name + " of " + r.uri()).doesNotContain(secret);
                    }
                  });
        }
      }
    }
  }
}
