package dev.rewind.console.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the console's tests and benchmark: Debian's {@code chromium} driven through its
 * {@code chromedriver} (package {@code chromium-driver}), both found on the PATH (or at {@code CHROMIUM} and
 * {@code CHROMEDRIVER}). Both are given to Selenium explicitly so Selenium Manager never tries to download a
 * browser or driver. Missing either fails at once, naming the package to install.
 */
public final class Browser implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path screenshots;

  private Browser(ChromeDriverService service, ChromeDriver driver, Path screenshots) {
    this.service = service;
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** @param screenshots where {@link #screenshot} writes, e.g. target/console-screenshots */
  public static Browser start(Path screenshots) {
    File chromium = executable("CHROMIUM", "chromium", "chromium");
    File chromedriver = executable("CHROMEDRIVER", "chromedriver", "chromium-driver");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments("--headless=new",
        // The tests may run as root (CI), where Chromium refuses to start sandboxed.
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600",
        "--no-first-run", "--disable-extensions");
    ChromeDriver driver = new ChromeDriver(service, options);
    return new Browser(service, driver, screenshots);
  }

  /** The executable named by {@code variable}, else {@code command} on the PATH; else fail naming the package. */
  static File executable(String variable, String command, String debianPackage) {
    return executable(variable, System.getenv(variable), System.getenv().getOrDefault("PATH", ""), command,
        debianPackage);
  }

  static File executable(String variable, String set, String path, String command, String debianPackage) {
    Optional<Path> found = set != null && !set.isBlank() ? Optional.of(Path.of(set))
        : java.util.Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    if (found.isEmpty() || !Files.isExecutable(found.get())) {
      throw new IllegalStateException(command + " was not found" + (set == null || set.isBlank() ? " on the PATH"
          : " at " + set) + ": the console's browser tests need Debian's " + debianPackage + " package (apt-get"
          + " install chromium chromium-driver), or " + variable + " set to the executable");
    }
    return found.get().toFile();
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens the address and waits until the document has loaded. */
  public void open(String url) {
    driver.get(url);
    new WebDriverWait(driver, WAIT).until(d -> "complete".equals(
        ((JavascriptExecutor) d).executeScript("return document.readyState")));
  }

  /** Waits for the element and returns it. */
  public WebElement await(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(by));
  }

  public Object script(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** The navigation timing of the page shown (PerformanceNavigationTiming, milliseconds from its start). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> navigationTiming() {
    return (Map<String, Object>) driver.executeScript(
        "return performance.getEntriesByType('navigation')[0].toJSON()");
  }

  /** Saves a PNG of the page shown as {@code name}.png and returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(screenshots);
      Path file = screenshots.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + name, e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
