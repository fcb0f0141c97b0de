package org.roster.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.roster.RosterApplication;

/**
 * Roster as a real, separate JVM (the test's own classpath, {@code org.roster.RosterApplication}),
 * so that a test can kill it as an operating system would: {@link #kill()} is a {@code SIGKILL}, no
 * shutdown hook runs, nothing is flushed. Its log goes to a file beside its configuration. In the
 * tests (not the benchmarks) it starts with the client compiler only and a class-data-sharing
 * archive ({@link ProcessJvm}): the same code, started in a third of the CPU.
 */
public final class RosterProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private RosterProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Roster with this configuration file and environment, and waits until its health
     * endpoint answers UP.
     *
     * @param config a roster.yml (its {@code server.port} is overridden with {@code port})
     * @param logName the log file's name, in the configuration's folder
     */
    public static RosterProcess start(Path config, int port, Map<String, String> env, String logName) {
        return start(config.getParent(), config, port, env, logName);
    }

    /**
     * Starts Roster as the quick start does: embedded defaults and demo data, no configuration file,
     * in {@code dir} (its {@code ./data} store).
     */
    public static RosterProcess startEmbedded(Path dir, int port, Map<String, String> env, String logName) {
        return start(dir, null, port, env, logName);
    }

    private static RosterProcess start(Path dir, @org.jspecify.annotations.Nullable Path config, int port,
                                       Map<String, String> env, String logName) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> common = List.of("-Xmx512m", "-da:org.h2...");
        ProcessJvm.Launch launch = ProcessJvm.launch(java, common);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(common);
        command.addAll(launch.options());
        // e.g. -Droster.process.jvm=-XX:StartFlightRecording=filename=roster.jfr,settings=profile: a benchmark's
        // instances profiled (each writes to its own working directory)
        String jvm = System.getProperty("roster.process.jvm", "");
        if (!jvm.isBlank()) {
            command.addAll(List.of(jvm.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", launch.classpath(), RosterApplication.class.getName(),
            "--server.port=" + port));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
            .redirectErrorStream(true);
        Path log = dir.resolve(logName);
        pb.redirectOutput(log.toFile());
        pb.environment().remove("ROSTER_CONFIG");
        pb.environment().putAll(env);
        if (config != null) {
            pb.environment().put("ROSTER_CONFIG", config.toAbsolutePath().toString());
        }
        try {
            RosterProcess roster = new RosterProcess(pb.start(), port, log);
            roster.awaitHealthy();
            return roster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Roster: " + e.getMessage(), e);
        }
    }

    /**
     * The part of a roster.yml under {@code roster:} (indented by two) that the whole-process tests
     * share: this store, no demo data, no safety guard.
     */
    public static String storeWithoutDemo(String storeUrl, String storeUser) {
        return """
              store:
                url: "%s"
                username: %s
                password: ""
              demo:
                enabled: false
              plan:
                guard:
                  enabled: false
            """.formatted(storeUrl, storeUser);
    }

    public static int freePort() {
        try {
            return Slapd.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * The process's threads and where each is now ({@code jcmd <pid> Thread.print}), also written
     * beside its log ({@code <log>.threads}) for a test that found it stuck to point at.
     *
     * @return the dump, or what stopped it being taken
     */
    public String threads() {
        Path dump = log.resolveSibling(log.getFileName() + ".threads");
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()), "Thread.print").redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            if (!jcmd.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return "jcmd did not end within 20 s";
            }
            return Files.readString(dump);
        } catch (IOException e) {
            return "no thread dump: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }

    /** CPU time (user and system) the process has used so far. */
    public Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** {@code kill -9}: the process ends at once, mid-request, with whatever it had not written. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitHealthy() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Roster exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        kill();
        throw new IllegalStateException("Roster was not healthy within " + START_TIMEOUT + ":\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The folder a test keeps its process's files in, under {@code target/}. */
    public static Path workDir(String name) {
        try {
            Path target = new File("target").toPath();
            Files.createDirectories(target);
            return Files.createTempDirectory(target, name).toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
