package org.roster.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real Kafka broker (KRaft, broker and controller in one) as a process of its own, on the test's
 * classpath, so that a test can kill it as an operating system would ({@code SIGKILL}) and start it
 * again on the same data and port, as after a crash. {@link TestKafka}'s shared broker lives in the
 * test JVM and cannot be stopped without stopping every test that uses it.
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private Process process;

    private KafkaProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Formats a new broker's storage in {@code dir} and starts it on a free loopback port. */
    public static KafkaProcess start(Path dir) throws IOException, InterruptedException {
        int port = RosterProcess.freePort();
        int controller = RosterProcess.freePort();
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, """
            process.roles=broker,controller
            node.id=1
            controller.quorum.voters=1@127.0.0.1:%d
            listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
            advertised.listeners=PLAINTEXT://127.0.0.1:%d
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
            inter.broker.listener.name=PLAINTEXT
            log.dirs=%s
            num.partitions=1
            offsets.topic.replication.factor=1
            offsets.topic.num.partitions=4
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            group.initial.rebalance.delay.ms=0
            """.formatted(controller, port, controller, port, dir.resolve("data").toAbsolutePath()));
        Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString()
            .replace("-", "").substring(0, 22), "-c", config.toString()), dir.resolve("format.log")).start();
        if (format.waitFor() != 0) {
            throw new IllegalStateException("formatting the Kafka broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
        KafkaProcess kafka = new KafkaProcess(dir, port);
        kafka.start();
        return kafka;
    }

    /** Starts the broker (again) on its data and port, and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        ProcessBuilder pb = java(List.of("kafka.Kafka", dir.resolve("server.properties").toString()), dir.resolve("broker.log"));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker stopped at start: see " + dir.resolve("broker.log"));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the Kafka broker did not take connections within " + START_TIMEOUT);
    }

    /** {@code SIGKILL}: nothing is flushed or closed, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    }
}
