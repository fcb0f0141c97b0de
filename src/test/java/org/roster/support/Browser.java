package org.roster.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium, started once per test run (installed by {@code .ci/run}: the
 * {@code chromium} and {@code chromium-driver} packages). Tests sign in, click and type as a person
 * would, and save screenshots under {@code target/console-screenshots}.
 */
public final class Browser {

    private static ChromeDriver shared;

    private Browser() {
    }

    public static synchronized ChromeDriver shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::quit));
        }
        return shared;
    }

    private static ChromeDriver start() {
        try {
            Path profile = Files.createTempDirectory("roster-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-quic", "--window-size=1280,1000", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return driver;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Clicks what leads to another page and waits until the browser has loaded it. A click that
     * submits a form can return before the next page is there, and the old page would be read.
     */
    public static void follow(ChromeDriver driver, org.openqa.selenium.WebElement link) {
        org.openqa.selenium.WebElement page = driver.findElement(org.openqa.selenium.By.tagName("html"));
        link.click();
        org.openqa.selenium.support.ui.WebDriverWait wait =
            new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(15));
        wait.until(d -> gone(page));
        wait.until(d -> "complete".equals(driver.executeScript("return document.readyState")));
    }

    /**
     * Whether a page's element left the document. ChromeDriver sometimes answers for an element of a
     * page already replaced with "node ... does not belong to the document" instead of a stale
     * element, which Selenium's own staleness check does not take for one.
     */
    private static boolean gone(org.openqa.selenium.WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** Saves the whole page (up to 4 000 px high) as {@code target/console-screenshots/<name>.png}. */
    public static Path screenshot(ChromeDriver driver, String name) {
        org.openqa.selenium.Dimension before = driver.manage().window().getSize();
        try {
            Path dir = Path.of("target/console-screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            long height = ((Number) driver.executeScript("return document.documentElement.scrollHeight")).longValue();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(before.getWidth(),
                (int) Math.min(4000, Math.max(before.getHeight(), height + 140))));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

}
