package io.portcullis.it.keycloak;

import io.portcullis.testsupport.Browser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scripted browser, filling in Keycloak's own login form ({@code kc-form-login}) as a user
 * would: the form's action, username, password.
 */
final class KeycloakBrowser {
  private static final Pattern FORM_ACTION =
      Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);
  private static final Pattern FORM_ACTION_FIRST =
      Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"", Pattern.DOTALL);

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  final Browser browser = new Browser();
  int loginForms;

  /**
   * Follows redirects from {@code uri}; on Keycloak's login form logs in as {@code user} with
   * {@code password}. Returns the last response.
   */
  HttpResponse<String> navigate(URI uri, String user, String password)
      throws IOException, InterruptedException {
    HttpResponse<String> response = browser.get(uri);
    for (int hop = 0; hop < 20; hop++) {
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        String location = response.headers().firstValue("Location").orElseThrow();
        response = browser.get(response.uri().resolve(location));
      } else if (status == 200 && isLoginForm(response)) {
        if (user == null) {
          return response;
        }
        loginForms++;
        String form =
            "username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&credentialId=";
        response = browser.post(response.uri().resolve(action(response.body())), form);
      } else {
        return response;
      }
    }
    throw new AssertionError("too many redirects, last " + response.uri());
  }

  /**
   * Signs out at the app's {@code logout-path} as a browser would: fetches the sign-out page and
   * submits its form with the anti-CSRF token. Returns the form's answer (the redirect to
   * Keycloak's end-session endpoint).
   */
  HttpResponse<String> signOut(URI logoutPath) throws IOException, InterruptedException {
    HttpResponse<String> form = browser.get(logoutPath);
    if (form.statusCode() != 200) {
      throw new AssertionError("sign-out page answered " + form.statusCode());
    }
    Matcher csrf = CSRF.matcher(form.body());
    if (!csrf.find()) {
      throw new AssertionError("no csrf field on the sign-out page:\n" + form.body());
    }
    return browser.post(
        logoutPath, "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8));
  }

  /**
   * Waits (up to 10 s each) until the filters serving {@code pages} have Keycloak's metadata: they
   * load it in the background and answer {@code 503} until then.
   */
  static void awaitMetadata(java.net.URI... pages) throws InterruptedException {
    for (java.net.URI page : pages) {
      for (int i = 0; i < 100 && new Browser().get(page.toString()).statusCode() == 503; i++) {
        Thread.sleep(100);
      }
    }
  }

  static boolean isLoginForm(HttpResponse<String> response) {
    return response.body().contains("id=\"kc-form-login\"");
  }

  private static String action(String html) {
    Matcher m = FORM_ACTION.matcher(html);
    if (!m.find()) {
      m = FORM_ACTION_FIRST.matcher(html);
      if (!m.find()) {
        throw new AssertionError("no login form action in Keycloak's page");
      }
    }
    return m.group(1).replace("&amp;", "&");
  }
}
