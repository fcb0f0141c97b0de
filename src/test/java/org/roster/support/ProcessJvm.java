package org.roster.support;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.roster.RosterApplication;
import org.springframework.util.FileSystemUtils;

/**
 * How a test starts a Roster JVM ({@link RosterProcess}): the command's JVM options and classpath.
 *
 * <p>The whole-process tests start some thirty Roster JVMs in a run, each of which spent 13 to 16
 * core-seconds to start on two cores (2026-12-07), most of it compiling with C2 and loading and
 * verifying classes: about a quarter of the suite's CPU. With {@code -Droster.process.quick=true}
 * (the tests' default in the pom; the benchmarks' profile turns it off, as their figures are of a
 * production JVM) a process is started
 * <ul>
 *   <li>with the client compiler only ({@code -XX:TieredStopAtLevel=1}): a process that lives a
 *       minute never earns back what C2 costs on two cores, and
 *   <li>with a class-data-sharing archive of the classes a start loads, made once per classpath by
 *       a training start ({@code -XX:ArchiveClassesAtExit}, the context refreshed and closed); as
 *       the JVM archives classes from jars only, the classpath's folders ({@code target/classes},
 *       {@code target/test-classes}) go into jars beside the archive.
 * </ul>
 * Together 4.6 to 5.1 core-seconds a start instead of 13 to 16. The archive and its jars are kept
 * under {@code target/process-jvm/}, named by a digest of every classpath entry's files, sizes and
 * times, so a build that changed a class makes them again; if the training fails, processes start
 * with the plain classpath (said once on stderr). Nothing here changes what Roster does: the same
 * classes, the same configuration.
 */
final class ProcessJvm {

    private static final String QUICK = "roster.process.quick";
    /** What a quick start adds: the client compiler only. */
    private static final List<String> C1 = List.of("-XX:TieredStopAtLevel=1");
    private static final Duration TRAINING = Duration.ofMinutes(3);

    /** A start's JVM options (besides the heap and those every start has) and classpath. */
    record Launch(List<String> options, String classpath) {
    }

    private static @Nullable Launch launch;

    private ProcessJvm() {
    }

    static synchronized Launch launch(String java, List<String> common) {
        if (launch == null) {
            launch = make(java, common);
        }
        return launch;
    }

    private static Launch make(String java, List<String> common) {
        String classpath = System.getProperty("java.class.path");
        if (!Boolean.getBoolean(QUICK)) {
            return new Launch(List.of(), classpath);
        }
        try {
            Path dir = archived(java, common, classpath);
            List<String> options = new ArrayList<>(C1);
            options.add("-XX:SharedArchiveFile=" + dir.resolve("roster.jsa"));
            return new Launch(options, Files.readString(dir.resolve("classpath")));
        } catch (IOException | RuntimeException e) {
            System.err.println("ProcessJvm: no class-data-sharing archive for Roster's processes, started without one: "
                + e.getMessage());
            return new Launch(C1, classpath);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Launch(C1, classpath);
        }
    }

    /** The folder holding this classpath's archive and jars, made now if no earlier run made it. */
    private static Path archived(String java, List<String> common, String classpath)
        throws IOException, InterruptedException {
        List<Path> entries = Stream.of(classpath.split(File.pathSeparator)).filter(e -> !e.isEmpty())
            .map(Path::of).toList();
        Path root = Path.of("target", "process-jvm").toAbsolutePath();
        Path dir = root.resolve(digest(entries));
        if (Files.isRegularFile(dir.resolve("roster.jsa"))) {
            return dir;
        }
        Files.createDirectories(root);
        removeOthers(root, dir);
        // the jars are made aside, then moved in place whole; the archive records the paths it was made
        // from, so the training start runs on the jars in place
        Path making = Files.createTempDirectory(root, "making-");
        try {
            List<String> jarred = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Path entry = entries.get(i);
                if (Files.isDirectory(entry)) {
                    String name = "folder-" + i + ".jar";
                    jar(entry, making.resolve(name));
                    jarred.add(dir.resolve(name).toString());
                } else {
                    jarred.add(entry.toString());
                }
            }
            Files.writeString(making.resolve("classpath"), String.join(File.pathSeparator, jarred));
            try {
                Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException taken) {
                // another test JVM on this build moved its own in first: its archive is as good
                return awaitOthers(dir);
            }
        } finally {
            FileSystemUtils.deleteRecursively(making);
        }
        try {
            train(java, common, Files.readString(dir.resolve("classpath")), dir);
        } catch (IOException | RuntimeException | InterruptedException e) {
            FileSystemUtils.deleteRecursively(dir); // the next run tries again
            throw e;
        }
        return dir;
    }

    /** Starts Roster once with its embedded defaults, and has the JVM archive what it loaded when the context is up. */
    private static void train(String java, List<String> common, String classpath, Path dir)
        throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve("training"));
        Path partial = dir.resolve("roster.jsa.partial");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(common);
        command.addAll(C1);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Dspring.context.exit=onRefresh",
            "-cp", classpath, RosterApplication.class.getName(), "--server.port=0"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
            .redirectOutput(work.resolve("training.log").toFile());
        pb.environment().remove("ROSTER_CONFIG");
        Process training = pb.start();
        if (!training.waitFor(TRAINING.toMillis(), TimeUnit.MILLISECONDS)) {
            training.destroyForcibly();
            throw new IllegalStateException("the training start did not end within " + TRAINING + ": "
                + work.resolve("training.log"));
        }
        if (training.exitValue() != 0 || !Files.isRegularFile(partial)) {
            throw new IllegalStateException("the training start ended with " + training.exitValue() + ": "
                + work.resolve("training.log"));
        }
        Files.move(partial, dir.resolve("roster.jsa"), StandardCopyOption.ATOMIC_MOVE);
        FileSystemUtils.deleteRecursively(work);
    }

    /**
     * Waits for the archive another test JVM is making in {@code dir}; one left half-made (its
     * training killed) is removed once it is older than a training may take, for the next run.
     */
    private static Path awaitOthers(Path dir) throws IOException, InterruptedException {
        Path archive = dir.resolve("roster.jsa");
        long deadline = Files.getLastModifiedTime(dir).toMillis() + TRAINING.toMillis() + 10_000;
        while (!Files.isRegularFile(archive) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        if (!Files.isRegularFile(archive)) {
            FileSystemUtils.deleteRecursively(dir);
            throw new IllegalStateException("no archive was made in " + dir + " (a training left half-way): removed");
        }
        return dir;
    }

    private static void jar(Path folder, Path jar) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow(() -> new IllegalStateException("no jar tool"));
        StringWriter out = new StringWriter();
        int status = tool.run(new PrintWriter(out), new PrintWriter(out), "--create", "--file", jar.toString(),
            "--no-manifest", "-C", folder.toString(), ".");
        if (status != 0) {
            throw new IllegalStateException("jar " + folder + ": " + out);
        }
    }

    /** A digest of the classpath: every entry's name, and every file's path, size and time under it. */
    private static String digest(List<Path> entries) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path entry : entries) {
            sha.update((entry.toAbsolutePath() + "\n").getBytes(StandardCharsets.UTF_8));
            if (!Files.exists(entry)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(entry)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    String line = f + " " + a.size() + " " + a.lastModifiedTime().toMillis() + "\n";
                    sha.update(line.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }

    /** Archives of other classpaths (builds before this one) are of no more use. */
    private static void removeOthers(Path root, Path keep) {
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> others = dirs.filter(d -> !d.equals(keep) && !d.getFileName().toString().startsWith("making-"))
                .toList();
            for (Path d : others) {
                FileSystemUtils.deleteRecursively(d);
            }
        } catch (IOException e) {
            // left for the next run or mvn clean
        }
    }
}
