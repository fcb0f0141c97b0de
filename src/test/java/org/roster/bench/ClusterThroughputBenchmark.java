package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.OperationReceiver;
import org.roster.support.Parallel;
import org.roster.support.PgStatements;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.TestKafka;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Cluster mode over Kafka with one instance, then two, on this machine: a burst of joiners sent to
 * the instances from eight threads, each joiner one account to create at a webhook target that takes
 * {@code bench.cluster.latency-ms} (50) to answer each request, as a remote application does, with
 * {@code bench.cluster.concurrency} (2) requests at a time per instance. Measured: how long until
 * every joiner was answered (HR intake), and until the target had every account (the whole way).
 * Then {@code bench.cluster.leavers} (200) leavers one at a time, each through the next instance:
 * the time from the SCIM request to the target having the disable.
 * Each run has its own PostgreSQL database and topics; the broker and PostgreSQL run in this JVM,
 * the instances in their own. Run with {@code mvn -B test -Pbenchmark -Dtest=ClusterThroughputBenchmark}
 * ({@code -Dbench.cluster.joiners=3000}; {@code -Dbench.cluster.latency-ms=0} for a target that
 * answers at once, where the machine is the limit). With {@code -Dbench.cluster.snapshot=true} the
 * joiners come in one snapshot file sent to the first instance instead: intake is its import, and the
 * other instance takes its share of the dispatch from Kafka. With {@code -Dbench.cluster.off=true}, one
 * instance without cluster mode, twice, for what cluster mode costs; {@code -Dbench.cluster.instances=1}
 * (a list: {@code 1,2} by default) for the runs to make, e.g. one to profile. Each run prints the CPU time of
 * each instance, of this JVM and of PostgreSQL's processes, until the last answer and then until the
 * target had everything.
 */
@Tag("benchmark")
class ClusterThroughputBenchmark {

    private static final String TOKEN = "cluster-bench-token-0123456789";
    private static final int JOINERS = Integer.getInteger("bench.cluster.joiners", 3_000);
    private static final long LATENCY = Long.getLong("bench.cluster.latency-ms", 50);
    private static final int CONCURRENCY = Integer.getInteger("bench.cluster.concurrency", 2);

    private static final boolean SNAPSHOT = Boolean.getBoolean("bench.cluster.snapshot");
    private static final boolean OFF = Boolean.getBoolean("bench.cluster.off");
    private static final int LEAVERS = Integer.getInteger("bench.cluster.leavers", 200);
    /** The runs, by how many instances each has: {@code -Dbench.cluster.instances=1} for one run of one (a profile). */
    private static final List<Integer> INSTANCES = java.util.Arrays.stream(
            System.getProperty("bench.cluster.instances", OFF ? "1,1" : "1,2").split(","))
        .map(String::trim).map(Integer::valueOf).toList();

    private record Run(int instances, double intakeSeconds, double wholeSeconds, List<Double> leaverMillis) {
        String line() {
            return ("%d instance(s): %d joiners answered in %.1f s (%.0f/s); all at the target after %.1f s (%.0f accounts/s);"
                + " %d leavers one at a time, SCIM request to disable at the target: p50 %.1f / p95 %.1f / p99 %.1f ms")
                .formatted(instances, JOINERS, intakeSeconds, JOINERS / intakeSeconds, wholeSeconds, JOINERS / wholeSeconds,
                    leaverMillis.size(), percentile(0.50), percentile(0.95), percentile(0.99));
        }

        double percentile(double p) {
            return leaverMillis.get(Math.min(leaverMillis.size() - 1, (int) Math.ceil(p * leaverMillis.size()) - 1));
        }
    }

    @Test
    void oneInstanceThenTwo() throws Exception {
        String brokers = TestKafka.shared().getBrokersAsString();
        List<Run> runs = new ArrayList<>();
        for (int instances : INSTANCES) {
            runs.add(run(brokers, instances));
            System.out.println(runs.get(runs.size() - 1).line());
        }
        StringBuilder report = new StringBuilder("Cluster throughput, %d joiners%s, target latency %d ms, concurrency %d per instance%n"
            .formatted(JOINERS, SNAPSHOT ? " in one snapshot" : "", LATENCY, CONCURRENCY));
        runs.forEach(r -> report.append(r.line()).append('\n'));
        if (runs.size() == 2) {
            report.append("second run / first, whole way: %.2f%n".formatted(runs.get(0).wholeSeconds() / runs.get(1).wholeSeconds()));
        }
        System.out.print(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/cluster-throughput-" + (SNAPSHOT ? "snapshot-" : "") + (OFF ? "off-" : "") + LATENCY + "ms.txt"), report.toString());
    }

    private static Run run(String brokers, int instances) throws Exception {
        String store = Databases.freshPostgresUrl();
        String prefix = "bench" + instances + "x" + System.nanoTime();
        Path dir = RosterProcess.workDir("cluster-bench");
        try (OperationReceiver receiver = new OperationReceiver(LATENCY)) {
            Map<String, String> env = Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "HOOK_SECRET", "cluster-bench-webhook-secret");
            List<CompletableFuture<RosterProcess>> starting = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Path config = dir.resolve("i" + i + ".yml");
                Files.writeString(config, receiver.clusterConfig(store, brokers, prefix, "instance-" + i, CONCURRENCY));
                if (OFF) {
                    // the same instance without cluster mode: its section gone (up to the next at its depth)
                    Files.writeString(config, Files.readString(config).replaceAll("(?s)  cluster:.*?\\n(?=  [a-z])", ""));
                }
                String log = "i" + i + ".log";
                starting.add(CompletableFuture.supplyAsync(() -> RosterProcess.start(config, RosterProcess.freePort(), env, log)));
            }
            List<RosterProcess> processes = starting.stream().map(CompletableFuture::join).toList();
            try {
                List<Api> apis = processes.stream().map(p -> new Api(p.baseUrl(), TOKEN)).toList();
                List<String> joiners = new ArrayList<>();
                for (int i = 0; i < JOINERS; i++) {
                    joiners.add("B" + instances + "X" + i);
                }
                JdbcClient statements = PgStatements.wanted()
                    ? JdbcClient.create(new DriverManagerDataSource(store, "postgres", "")) : null;
                if (statements != null) {
                    PgStatements.reset(statements);
                }
                long started = System.nanoTime();
                Cpu before = Cpu.now(processes);
                if (SNAPSHOT) {
                    Api.Response r = apis.get(0).send("POST", "/api/v1/hr/snapshots?source=bulk", "text/csv", csv(joiners));
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                } else {
                    Parallel.forEach(8, joiners, (i, en) -> {
                        Api.Response r = apis.get(i % apis.size()).send("POST", "/scim/v2/Users", "application/scim+json",
                            ScimWorkers.user(en, "Bench"));
                        assertThat(r.status()).as(r.body()).isEqualTo(201);
                    });
                }
                double intake = (System.nanoTime() - started) / 1e9;
                Cpu answered = Cpu.now(processes);
                if (statements != null) {
                    System.out.println(instances + " instance(s), PostgreSQL's time by statement until answered:"
                        + PgStatements.top(statements));
                    PgStatements.reset(statements);
                }
                await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receiver.operations() >= JOINERS);
                double whole = (System.nanoTime() - started) / 1e9;
                Cpu done = Cpu.now(processes);
                System.out.printf("%d instance(s), core-seconds: until answered %s; then until all at the target %s%n",
                    instances, answered.since(before), done.since(answered));
                if (statements != null) {
                    System.out.println(instances + " instance(s), PostgreSQL's time by statement, then until all at the target:"
                        + PgStatements.top(statements));
                }
                // Then leavers, one at a time, each through the next instance: to the target through the relay
                // and Kafka, whichever instance relays and whichever holds the person's partition.
                List<Double> leavers = new ArrayList<>();
                for (int i = 0; i < Math.min(LEAVERS, JOINERS); i++) {
                    String en = joiners.get(i);
                    Api api = apis.get(i % apis.size());
                    String id = api.get("/scim/v2/Users?filter=" + java.net.URLEncoder.encode(
                        "userName eq \"" + en.toLowerCase(java.util.Locale.ROOT) + "\"", java.nio.charset.StandardCharsets.UTF_8))
                        .json().path("Resources").path(0).path("id").asString();
                    long sent = System.nanoTime();
                    Api.Response r = api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", """
                        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                         "Operations": [{"op": "replace", "path": "active", "value": false}]}""");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(1))
                        .until(() -> receiver.arrived(en, "account.disable").isPresent());
                    leavers.add((receiver.arrived(en, "account.disable").getAsLong() - sent) / 1e6);
                }
                leavers.sort(null);
                assertThat(receiver.operations()).as("every operation at the target once").isEqualTo(JOINERS + leavers.size());
                System.out.printf("%d instance(s): %d operations received again under a key already seen%n", instances,
                    receiver.repeats());
                return new Run(instances, intake, whole, leavers);
            } finally {
                processes.forEach(RosterProcess::close);
            }
        }
    }

    /** The joiners as one snapshot file, what {@link ScimWorkers#user} sends for each. */
    private static String csv(List<String> joiners) {
        StringBuilder b = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department\n");
        for (String en : joiners) {
            String user = en.toLowerCase(java.util.Locale.ROOT);
            b.append(en).append(',').append(user).append(",Given,").append(en).append(',').append(user)
                .append("@example.com,Bench\n");
        }
        return b.toString();
    }

    /**
     * CPU time so far of each Roster instance, of this JVM (the broker, the target, the client) and of
     * the machine's PostgreSQL processes (those that ended meanwhile are not counted).
     */
    private record Cpu(List<Duration> instances, Duration self, Duration store) {
        static Cpu now(List<RosterProcess> processes) {
            Duration store = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().filter(c -> c.endsWith("/postgres")).isPresent())
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
            return new Cpu(processes.stream().map(RosterProcess::cpu).toList(),
                ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO), store);
        }

        String since(Cpu before) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < instances.size(); i++) {
                b.append("instance %d %.1f, ".formatted(i, seconds(instances.get(i).minus(before.instances.get(i)))));
            }
            return b + "test JVM (broker, target) %.1f, PostgreSQL %.1f".formatted(seconds(self.minus(before.self)),
                seconds(store.minus(before.store)));
        }

        private static double seconds(Duration d) {
            return d.toMillis() / 1000.0;
        }
    }
}
