package io.portcullis.samples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.TestFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The legacy sample in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver, logging in through the demo provider's real login page, for {@code
 * response-mode=query} and {@code form_post}. Nothing is downloaded: both binaries are named, so
 * Selenium Manager is never asked for a driver or a browser.
 */
class ChromiumLoginTest {
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** More login pages than any flow here needs (a login and one step-up): a loop. */
  private static final int MAX_LOGINS = 3;

  // Selenium 4.49 knows DevTools up to an older Chromium and says so at every start; this test
  // uses only ChromeDriver's own CDP passthrough. Held strongly: JUL forgets unreferenced levels.
  private static final Logger CDP_VERSION_LOG =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  private static Main.Running app;
  private static Main.Running formPostApp;
  private static SampleTomcat tomcat;

  private Path userDataDir;
  private ChromeDriverService service;
  private ChromeDriver driver;

  @BeforeAll
  static void startSample() throws Exception {
    // Skipped only on a developer machine without Debian's chromium-driver; in CI (CI=true, as
    // .ci/run installs it) a missing driver fails the test instead of hiding it.
    boolean driverInstalled = Files.isExecutable(CHROMEDRIVER);
    boolean ci = "true".equals(System.getenv("CI"));
    Assumptions.assumeTrue(
        driverInstalled || ci,
        CHROMEDRIVER
            + " is missing (apt-get install chromium chromium-driver); skipped outside CI");
    assertThat(driverInstalled).as(CHROMEDRIVER + " is installed (CI=true)").isTrue();
    assertThat(Files.isExecutable(CHROMIUM)).as(CHROMIUM + " is installed").isTrue();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    CDP_VERSION_LOG.setLevel(Level.SEVERE);
    app = Main.start(0, 0, Path.of("src", "main", "webapp"), null);
    // A second instance with response-mode=form_post, read as a system property when its filter
    // starts (system properties override web.xml's init-params).
    System.setProperty("portcullis.response-mode", "form_post");
    try {
      formPostApp = Main.start(0, 0, Path.of("src", "main", "webapp"), null);
    } finally {
      System.clearProperty("portcullis.response-mode");
    }
    // The same WAR on Tomcat, under a context path, against the Jetty instance's provider.
    tomcat = SampleTomcat.start();
    tomcat.deploy("/legacy", app.issuer());
  }

  @AfterAll
  static void stopSample() throws Exception {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      try {
        if (formPostApp != null) {
          formPostApp.close();
        }
      } finally {
        if (tomcat != null) {
          tomcat.close();
        }
        System.clearProperty("portcullis.issuer");
      }
    }
  }

  @BeforeEach
  void startChromium() throws IOException {
    userDataDir = Files.createTempDirectory("portcullis-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1024,768",
        "--user-data-dir=" + userDataDir);
    // The DevTools network events, to read the URLs the browser requested (the callback's).
    options.setCapability("goog:loggingPrefs", Map.of("performance", "ALL"));
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(WAIT);
  }

  @AfterEach
  void stopChromium() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (service != null) {
        service.stop();
      }
      TestFiles.deleteTree(userDataDir);
    }
  }

  @Test
  void loginWhenQueryModeThenProfileThenAdminRefusedThenLogout() throws Exception {
    URI base = URI.create(app.url());

    driver.get(base.resolve("/profile").toString());
    assertThat(logInUntil(base.resolve("/profile"), "alice")).isEqualTo(1);
    assertThat(driver.findElement(By.tagName("body")).getText()).contains("Logged in as alice");
    assertThat(driver.getPageSource())
        .contains("Logged in as <b>alice</b>")
        .contains("<code>read:data</code>");

    // /admin needs the scope admin: one step-up through the login page, which the provider
    // refuses to alice, then the 403 on the app's own error page (web.xml's error-page for 403,
    // container-error-pages) with the reason code.
    driver.get(base.resolve("/admin").toString());
    assertThat(logInUntil(base.resolve("/admin"), "alice")).isEqualTo(1);
    assertThat(driver.getPageSource()).contains(ErrorPagesContract.APP_PAGE);
    assertThat(driver.getTitle() + " " + driver.findElement(By.tagName("body")).getText())
        .contains("Access refused")
        .contains("scope.missing");
    Path shot = Path.of("target", "chromium-admin-403.png");
    Files.createDirectories(shot.getParent());
    Files.copy(
        driver.getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(status(base.resolve("/admin"))).isEqualTo(403);

    logOutAndCheck(base);
  }

  @Test
  void loginWhenTwoTabsLogInAtOnceThenEachLandsOnItsOwnUrl() {
    URI base = URI.create(app.url());
    String tabA = driver.getWindowHandle();
    driver.get(base.resolve("/profile").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());
    driver.switchTo().newWindow(WindowType.TAB);
    String tabB = driver.getWindowHandle();
    driver.get(base.resolve("/reports").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());

    // B first: its login, then the step-up for read:reports, which its first login did not ask for.
    assertThat(logInUntil(base.resolve("/reports"), "alice")).isEqualTo(2);
    assertThat(driver.getPageSource()).contains("Quarterly reports for <b>alice</b>");

    driver.switchTo().window(tabA);
    assertThat(isLoginPage()).isTrue(); // still A's own pending login
    assertThat(logInUntil(base.resolve("/profile"), "alice")).isEqualTo(1);
    assertThat(driver.getPageSource()).contains("Logged in as <b>alice</b>");

    driver.switchTo().window(tabB);
    assertThat(driver.getCurrentUrl()).isEqualTo(base.resolve("/reports").toString());
  }

  @Test
  void loginWhenFormPostCrossSiteThenPreLoginCookieIsSameSiteNoneAndLoginWorks() {
    URI base = crossSiteBase(formPostApp);

    driver.get(base.resolve("/profile").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());
    assertThat(driver.getCurrentUrl()).contains("response_mode=form_post");
    List<Map<String, Object>> pending = cookiesOf(base.getHost());
    assertThat(pending)
        .filteredOn(c -> name(c).startsWith("PORTCULLIS_TX_"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .containsEntry("sameSite", "None")
                    .containsEntry("secure", true)
                    .containsEntry("httpOnly", true));
    assertThat(pending)
        .filteredOn(c -> name(c).startsWith("JSESSIONID"))
        .allSatisfy(c -> assertThat(c).containsEntry("sameSite", "Lax"));

    assertThat(logInUntil(base.resolve("/profile"), "alice")).isEqualTo(1);
    assertThat(driver.getPageSource())
        .contains("Logged in as <b>alice</b>")
        .contains("<code>read:data</code>");
    assertThat(cookiesOf(base.getHost()))
        .filteredOn(c -> name(c).startsWith("JSESSIONID"))
        .singleElement()
        .satisfies(c -> assertThat(c).containsEntry("sameSite", "Lax"));
    assertThat(cookiesOf(base.getHost()))
        .noneMatch(c -> name(c).startsWith("PORTCULLIS_TX_")); // used up

    logOutAndCheck(base);
  }

  @Test
  void loginWhenFormPostAndTwoTabsThenEachLandsOnItsOwnUrl() {
    URI base = crossSiteBase(formPostApp);
    String tabA = driver.getWindowHandle();
    driver.get(base.resolve("/profile").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());
    driver.switchTo().newWindow(WindowType.TAB);
    driver.get(base.resolve("/reports").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());

    assertThat(logInUntil(base.resolve("/reports"), "alice"))
        .isEqualTo(2); // login, granted step-up
    assertThat(driver.getPageSource()).contains("Quarterly reports for <b>alice</b>");
    driver.switchTo().window(tabA);
    assertThat(logInUntil(base.resolve("/profile"), "alice")).isEqualTo(1);
    assertThat(driver.getPageSource()).contains("Logged in as <b>alice</b>");
  }

  /**
   * Core bug: a step-up that comes back as a cross-site form_post carries no session cookie
   * (SameSite=Lax), so CallbackHandler finds no previous session and loses its step-up marks
   * (LoginSession.stepUpAsked); /admin then asks for the same step-up again, for ever, instead of
   * answering 403. Same-site (application and provider both at localhost) it works.
   */
  @Test
  void adminWhenFormPostCrossSiteAndStepUpRefusedThen403() {
    URI base = crossSiteBase(formPostApp);
    driver.get(base.resolve("/profile").toString());
    assertThat(logInUntil(base.resolve("/profile"), "alice")).isEqualTo(1);

    driver.get(base.resolve("/admin").toString());
    assertThat(logInUntil(base.resolve("/admin"), "alice")).isEqualTo(1);
    assertThat(driver.getPageSource())
        .contains(ErrorPagesContract.APP_PAGE)
        .contains("scope.missing");
  }

  /**
   * Issue 14 AC1 on Jetty (at the root): a form submitted after the session ended lands, after the
   * login, with its parameters, once.
   */
  @Test
  void notesWhenSessionEndedBeforeSubmitThenTheFormLandsAfterLoginOnceOnJetty() {
    formSurvivesLogin(URI.create(app.url()));
  }

  /** The same on Tomcat 11, under the context path {@code /legacy}. */
  @Test
  void notesWhenSessionEndedBeforeSubmitThenTheFormLandsAfterLoginOnceOnTomcat() {
    formSurvivesLogin(tomcat.url("/legacy"));
  }

  /**
   * Opens {@code /notes} logged in, fills the form with text that needs escaping, ends the session
   * (its cookie deleted, as an expired session is forgotten), submits: after the login at the
   * provider the page Portcullis answers posts the form on by itself, and the servlet shows what it
   * received. Then the callback's URL once more: refused, and nothing more received.
   */
  private void formSurvivesLogin(URI base) {
    URI notes = base.resolve("notes");
    driver.get(notes.toString());
    assertThat(logInUntil(notes, "alice")).isEqualTo(1);
    int before = receivedCount();
    driver.findElement(By.name("title")).sendKeys("Q3 \"numbers\" <b>&amp;</b> é 日本");
    driver.findElement(By.name("text")).sendKeys("line one\n<script>alert(1)</script>\nend");
    for (org.openqa.selenium.Cookie c : driver.manage().getCookies()) {
      if (c.getName().startsWith("JSESSIONID")) {
        driver.manage().deleteCookie(c);
      }
    }
    driver.findElement(By.id("save")).click();

    URI landed = base.resolve("notes?from=form");
    assertThat(logInUntil(landed, "alice")).isEqualTo(1);
    assertThat(driver.getTitle()).startsWith("Note saved");
    assertThat(driver.findElement(By.id("params")).getText().strip().split("\n"))
        .containsExactly(
            "\"from\"=\"form\"",
            "\"title\"=\"Q3 \\\"numbers\\\" \\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e é 日本\"",
            "\"text\"=\"line one\\r\\n\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\r\\nend\"",
            "\"tag\"=\"work\"",
            "\"tag\"=\"urgent \\u0026 \\u003cb\\u003e\"",
            "\"draft\"=\"1 \\\"\\u003c\\u0026\\u003e\\\"\"",
            "\"empty\"=\"\"");
    assertThat(receivedCount()).isEqualTo(before + 1);

    // The callback once more (a reload, a replayed URL): the sample's error page for the 400.
    String callback =
        requestedUrls().stream()
            .filter(u -> u.startsWith(base.resolve("oauth2/callback?").toString()))
            .reduce((first, second) -> second)
            .orElseThrow(() -> new AssertionError("no callback requested"));
    driver.get(callback);
    assertThat(driver.getPageSource()).contains(ErrorPagesContract.APP_PAGE).contains("state.used");
    assertThat(driver.getPageSource()).doesNotContain("portcullis-replay", "numbers");
    driver.get(notes.toString());
    assertThat(receivedCount()).isEqualTo(before + 1);
  }

  /** The count the notes page shows: how many notes its servlet received. */
  private int receivedCount() {
    String text = driver.findElement(By.id("count")).getText();
    return Integer.parseInt(text.substring(text.lastIndexOf(' ') + 1));
  }

  /** Every URL the browser requested so far (redirect targets included), from its DevTools log. */
  private List<String> requestedUrls() {
    java.util.regex.Pattern url =
        java.util.regex.Pattern.compile(
            "\"method\":\"Network\\.requestWillBeSent\".*?\"request\":\\{.*?\"url\":\"([^\"]+)\"");
    List<String> urls = new java.util.ArrayList<>();
    for (org.openqa.selenium.logging.LogEntry e :
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.PERFORMANCE)) {
      java.util.regex.Matcher m = url.matcher(e.getMessage());
      if (m.find()) {
        urls.add(m.group(1));
      }
    }
    return urls;
  }

  /**
   * The application as {@code http://127.0.0.1:PORT/} while the provider is at {@code localhost}:
   * other sites, so the provider's auto-submitted POST back is cross-site and Chromium sends no
   * {@code SameSite=Lax} cookie with it. (127.0.0.1, like localhost, is a secure context, so {@code
   * Secure} cookies over plain http stick.)
   */
  private static URI crossSiteBase(Main.Running running) {
    assertThat(URI.create(running.issuer()).getHost()).isEqualTo("localhost");
    return URI.create("http://127.0.0.1:" + running.port() + "/");
  }

  /** Logs out with the sign-out form's button and checks that the browser is logged out. */
  private void logOutAndCheck(URI base) {
    driver.get(base.resolve("/logout").toString());
    driver.findElement(By.cssSelector("form[action='/logout'] button[type=submit]")).click();
    // The provider's end-session endpoint sends the browser back to the home page (with a state).
    new WebDriverWait(driver, WAIT)
        .until(
            d -> {
              URI now = URI.create(driver.getCurrentUrl());
              return now.getHost().equals(base.getHost())
                  && now.getPort() == base.getPort()
                  && now.getPath().equals("/");
            });
    assertThat(driver.findElement(By.tagName("body")).getText()).contains("not logged in");
    driver.get(base.resolve("/profile").toString());
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage()); // a new login, not the profile
  }

  private static String name(Map<String, Object> cookie) {
    return String.valueOf(cookie.get("name"));
  }

  /** Waits for the provider's login page, types {@code user} and submits it. */
  private void logInAtProvider(String user) {
    new WebDriverWait(driver, WAIT).until(d -> isLoginPage());
    WebElement name = driver.findElement(By.name("username"));
    name.clear();
    name.sendKeys(user);
    driver.findElement(By.cssSelector("input[type=submit]")).click();
    // Until the login page is gone; while it goes, ChromeDriver may report its nodes as foreign.
    new WebDriverWait(driver, WAIT)
        .ignoring(WebDriverException.class)
        .until(ExpectedConditions.stalenessOf(name));
  }

  /**
   * Waits until the browser shows {@code page}, logging in as {@code user} at every login page the
   * provider shows on the way (a login, then perhaps a step-up for a scope the first login did not
   * ask for); returns how many login pages were submitted.
   */
  private int logInUntil(URI page, String user) {
    int logins = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!driver.getCurrentUrl().equals(page.toString())) {
      if (isLoginPage()) {
        int submitted = logins;
        assertThat(submitted)
            .as(() -> "login pages on the way to " + page + "; now at " + driver.getCurrentUrl())
            .isLessThan(MAX_LOGINS);
        logInAtProvider(user);
        logins++;
      } else if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "not at "
                + page
                + " in "
                + WAIT.toSeconds()
                + " s; at "
                + driver.getCurrentUrl()
                + ": "
                + driver.findElement(By.tagName("body")).getText());
      } else {
        sleep();
      }
    }
    awaitPage(page);
    return logins;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private boolean isLoginPage() {
    return URI.create(driver.getCurrentUrl()).getPath().endsWith("/authorize")
        && !driver.findElements(By.name("username")).isEmpty();
  }

  private void awaitPage(URI page) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlToBe(page.toString()));
    new WebDriverWait(driver, WAIT)
        .until(d -> "complete".equals(driver.executeScript("return document.readyState")));
  }

  /** Every cookie Chromium holds for {@code host}, as the DevTools protocol reports them. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> cookiesOf(String host) {
    Map<String, Object> all = driver.executeCdpCommand("Network.getAllCookies", Map.of());
    return ((List<Map<String, Object>>) all.get("cookies"))
        .stream().filter(c -> host.equals(c.get("domain"))).toList();
  }

  /** The status of the current page's document, as the browser got it. */
  private long status(URI page) {
    Object status =
        driver.executeScript(
            "const e = performance.getEntriesByType('navigation')[0]; return e ? e.responseStatus : -1;");
    assertThat(driver.getCurrentUrl()).isEqualTo(page.toString());
    return ((Number) status).longValue();
  }
}
