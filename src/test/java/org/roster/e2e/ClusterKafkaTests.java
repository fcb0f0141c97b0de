package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.roster.support.Acknowledgements;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.RosterProcess;
import org.roster.support.OperationReceiver;
import org.roster.support.Parallel;
import org.roster.support.ScimWorkers;
import org.roster.support.TestKafka;

/**
 * Cluster mode over Kafka, the whole way: two Roster instances (separate JVMs) over one PostgreSQL
 * and a real broker, both taking HR changes and both sending their share of a webhook target's work
 * (the target's consumer group splits its partitions between them). A burst of 10 000 HR changes
 * (2 000 people, five each: four new titles, then a fifth or a termination) goes to both; the
 * instance relaying the outbox to Kafka is killed with {@code SIGKILL} in the middle of it (the seed
 * is printed), and a third instance joins while the burst goes on. Another instance takes the
 * relay's lease, the partitions move twice, and at the receiver, which deduplicates on the
 * operation's {@code Idempotency-Key} as a careful target does, every person's operations have
 * arrived once each, in the order HR made the changes; in the store every operation is acknowledged
 * once. What it waits for must keep arriving: nothing new at the receiver for 90 s is a stuck cluster
 * on any machine (the joiners' accounts arrive within two seconds of the last answer here), and the
 * failure says where it stopped: the outbox, the relay, the dispatch group's lag, each live
 * instance's threads.
 */
class ClusterKafkaTests {

    private static final String TOKEN = "cluster-kafka-token-0123456789";
    private static final String SECRET = "cluster-kafka-webhook-secret-01";
    private static final int PEOPLE = 2_000;
    private static final int CHANGES_EACH = 5;
    /** How long nothing new may arrive at the receiver before the test calls it stuck. */
    private static final Duration STALL = Duration.ofSeconds(90);
    /** How long the operations may take to arrive at all, moving or not. */
    private static final Duration CONVERGE = Duration.ofMinutes(10);

    @Test
    void aBurstOfTenThousandChangesLandsOnceAndInOrderAcrossTheKillOfAnInstance() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusterKafkaTests seed " + seed);
        Random random = new Random(seed);
        String brokers = TestKafka.shared().getBrokersAsString();
        OperationReceiver receiver = new OperationReceiver(0);
        String store = Databases.freshPostgresUrl();
        String prefix = "k" + Long.toString(seed & 0xffffff, 36);
        Path dir = RosterProcess.workDir("cluster-kafka");
        Map<String, String> env = Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "HOOK_SECRET", SECRET);
        Files.writeString(dir.resolve("a.yml"), receiver.clusterConfig(store, brokers, prefix, "instance-a", 4));
        Files.writeString(dir.resolve("b.yml"), receiver.clusterConfig(store, brokers, prefix, "instance-b", 4));
        Files.writeString(dir.resolve("c.yml"), receiver.clusterConfig(store, brokers, prefix, "instance-c", 4));
        java.util.concurrent.CompletableFuture<RosterProcess> joined = new java.util.concurrent.CompletableFuture<>();
        RosterProcess a = RosterProcess.start(dir.resolve("a.yml"), RosterProcess.freePort(), env, "a.log");
        RosterProcess b = RosterProcess.start(dir.resolve("b.yml"), RosterProcess.freePort(), env, "b.log");
        try {
            Map<String, RosterProcess> byId = Map.of("instance-a", a, "instance-b", b);
            List<Api> apis = List.of(new Api(a.baseUrl(), TOKEN), new Api(b.baseUrl(), TOKEN));
            String people = "K" + Long.toString(seed & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
            List<String> everyone = new ArrayList<>();
            Map<String, String> ids = new ConcurrentHashMap<>();
            for (int i = 0; i < PEOPLE; i++) {
                everyone.add(people + i);
            }
            Parallel.forEach(8, everyone, (i, en) -> {
                Api.Response r = apis.get(i % 2).send("POST", "/scim/v2/Users", "application/scim+json",
                    ScimWorkers.user(en, "Cluster"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.put(en, r.json().path("id").asString());
            });
            long created = System.nanoTime();
            converge("the joiners' accounts", store, brokers, prefix, () -> List.of(a, b), receiver::operations, PEOPLE,
                () -> assertThat(everyone).allMatch(en -> receiver.of(en).size() == 1, "one operation received"));
            System.out.printf("%d joiners' accounts created at the target in %.1f s after the last was answered%n",
                PEOPLE, (System.nanoTime() - created) / 1e9);
            assertThat(members(brokers, prefix + ".dispatch.hook")).as("both instances send the target's work").isEqualTo(2);
            String relay = holder(store, "roster-relay");
            RosterProcess victim = byId.get(relay);
            RosterProcess survivor = victim == a ? b : a;

            // The burst: each person's five changes in order, from eight threads, to both instances; the
            // relaying instance is killed when a random share of it has been answered.
            int killAt = PEOPLE * CHANGES_EACH / 5 + random.nextInt(PEOPLE * CHANGES_EACH / 2);
            AtomicInteger answered = new AtomicInteger();
            Map<Integer, Boolean> dead = new ConcurrentHashMap<>();
            ExecutorService killer = Executors.newSingleThreadExecutor();
            long started = System.nanoTime();
            Parallel.forEach(8, everyone, (i, en) -> {
                for (int k = 1; k <= CHANGES_EACH; k++) {
                    String change = k < CHANGES_EACH || i % 2 == 1
                        ? "{\"op\": \"replace\", \"path\": \"title\", \"value\": \"T" + k + "\"}"
                        : "{\"op\": \"replace\", \"path\": \"active\", \"value\": false}";
                    String body = "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": ["
                        + change + "]}";
                    int instance = (i + k) % 2;
                    while (true) {
                        if (dead.containsKey(instance)) {
                            instance = 1 - instance;
                        }
                        try {
                            Api.Response r = apis.get(instance).send("PATCH", "/scim/v2/Users/" + ids.get(en),
                                "application/scim+json", body);
                            assertThat(r.status()).as(r.body()).isEqualTo(200);
                            break;
                        } catch (IllegalStateException unanswered) {
                            // the instance was killed: whether it took the change or not, the change is sent
                            // again to the other one, as an HR system would (the same value twice is no change)
                            dead.put(instance, true);
                        }
                    }
                    if (answered.incrementAndGet() == killAt) {
                        killer.execute(() -> {
                            victim.kill();
                            // and a third instance joins while the burst goes on: the partitions move again
                            try {
                                joined.complete(RosterProcess.start(dir.resolve("c.yml"), RosterProcess.freePort(), env,
                                    "c.log"));
                            } catch (RuntimeException e) {
                                joined.completeExceptionally(e);
                            }
                        });
                    }
                }
            });
            killer.shutdown();
            assertThat(killer.awaitTermination(3, TimeUnit.MINUTES)).isTrue();
            assertThat(joined.join()).as("the third instance started").isNotNull();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%d HR changes answered in %.1f s; %s (the relay) killed after %d%n", answered.get(), seconds,
                relay, killAt);
            assertThat(answered.get()).isEqualTo(PEOPLE * CHANGES_EACH);

            // Every person's operations, once each, in the order HR made the changes.
            ThrowingRunnable inOrder = () -> {
                for (int i = 0; i < PEOPLE; i++) {
                    assertThat(receiver.of(everyone.get(i))).as("operations received for " + everyone.get(i))
                        .containsExactlyElementsOf(expected(i));
                }
            };
            converge("the burst's operations", store, brokers, prefix, () -> List.of(a, b, joined.join()),
                receiver::operations, PEOPLE * (CHANGES_EACH + 1), inOrder);
            System.out.printf("%d operations received, %d of them again under the same key%n", receiver.operations(),
                receiver.repeats());
            assertThat(holder(store, "roster-relay")).as("another instance relays").isNotEqualTo(relay);
            assertThat(members(brokers, prefix + ".dispatch.hook")).as("the killed instance left the group, the new one joined")
                .isEqualTo(2);
            // In the store: nothing owed, nothing given up, each operation acknowledged once.
            assertThat(count(store, "select count(*) from outbox where status <> 'DONE'")).isZero();
            // (an OPERATION_ACKED record names the operations of one person a target acknowledged in one batch)
            Map<String, String> planned = Databases.queryPairs(store, """
                select identity_key, string_agg(kind || ' ' || target || coalesce(' ' || entitlement, ''), '; ' order by id)
                from outbox group by identity_key""");
            Map<String, String> acked = Databases.queryPairs(store, """
                select identity_key, string_agg(detail, '; ' order by seq) from audit_record
                where kind = 'OPERATION_ACKED' group by identity_key""");
            assertThat(acked.keySet()).containsExactlyInAnyOrderElementsOf(planned.keySet());
            planned.forEach((person, ops) -> assertThat(Acknowledgements.operations(acked.get(person)))
                .as("operations acknowledged for " + person).containsExactly(ops.split("; ")));
            assertThat(count(store, "select count(*) from outbox")).isEqualTo(receiver.operations());
            assertThat(new Api(survivor.baseUrl(), TOKEN).get("/api/v1/audit/verify").json().path("intact").asBoolean())
                .isTrue();
        } finally {
            a.close();
            b.close();
            joined.thenAccept(RosterProcess::close);
            receiver.close();
        }
    }

    private static List<String> expected(int i) {
        List<String> ops = new ArrayList<>(List.of("account.create"));
        for (int k = 1; k < CHANGES_EACH; k++) {
            ops.add("account.update T" + k);
        }
        ops.add(i % 2 == 1 ? "account.update T" + CHANGES_EACH : "account.disable");
        return ops;
    }

    /**
     * Waits until {@code expected} distinct operations have arrived at the receiver, then for {@code
     * check} to pass. Fails when nothing new arrived for {@link #STALL} (a stuck cluster, whatever the
     * machine's speed) or all of it took longer than {@link #CONVERGE}, with what the store and the
     * brokers hold on the one line CI shows.
     */
    private static void converge(String what, String store, String brokers, String prefix,
                                 Supplier<List<RosterProcess>> instances, IntSupplier arrived, int expected,
                                 ThrowingRunnable check) {
        long start = System.nanoTime();
        long movedAt = start;
        int last = -1;
        try {
            for (int now = arrived.getAsInt(); now < expected; now = arrived.getAsInt()) {
                long t = System.nanoTime();
                if (now != last) {
                    last = now;
                    movedAt = t;
                }
                if (t - movedAt > STALL.toNanos()) {
                    throw new AssertionError("stuck: nothing new for " + (t - movedAt) / 1_000_000_000 + " s");
                }
                if (t - start > CONVERGE.toNanos()) {
                    throw new AssertionError("still arriving after " + CONVERGE.toMinutes() + " minutes");
                }
                Thread.sleep(500);
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(check);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        } catch (ConditionTimeoutException | AssertionError e) {
            String state;
            try {
                state = state(store, brokers, prefix);
            } catch (Exception | AssertionError unread) {
                state = "state not read: " + unread;
            }
            state += "; " + whereTheyAre(instances.get());
            throw new AssertionError(what + " did not arrive: " + arrived.getAsInt() + " of " + expected
                + " operations after " + (System.nanoTime() - start) / 1_000_000_000 + " s (" + e.getMessage() + "); "
                + state, e);
        }
    }

    /**
     * The outbox by status, the relay's progress and lease, the instances alive in the store, the
     * connections the (shared) PostgreSQL has open and the dispatch group's lag per partition.
     */
    private static String state(String store, String brokers, String prefix) throws Exception {
        String outbox = Databases.queryPairs(store, "select status, count(*) from outbox group by status").toString();
        String relay = Databases.queryOne(store,
            "select next_id || ', highest id ' || coalesce((select max(id) from outbox), 0) from outbox_relay");
        String connections = Databases.queryOne(store, "select count(*) || ' of ' || current_setting('max_connections')"
            + " from pg_stat_activity");
        String leases = Databases.queryPairs(store,
            "select name, holder from lease where name = 'roster-relay' or name like 'member:%' order by name").toString();
        String group = prefix + ".dispatch.hook";
        Map<String, Long> lag = new TreeMap<>();
        ConsumerGroupDescription described;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(prefix + ".operations.hook", prefix + ".revocations.hook")).allTopicNames()
                .get(30, TimeUnit.SECONDS).forEach((topic, description) -> description.partitions().forEach(p ->
                    ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResultInfo> latest = admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS);
            latest.forEach((tp, end) -> {
                OffsetAndMetadata at = committed.get(tp);
                lag.put(tp.toString(), end.offset() - (at == null ? 0 : at.offset()));
            });
            described = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        }
        return "outbox " + outbox + "; relay's next id " + relay + "; leases " + leases + "; PostgreSQL connections "
            + connections + "; lag " + lag + "; group " + described.groupState() + " with " + described.members().size()
            + " members";
    }

    /**
     * Where each live instance's relay, lane and busy senders are: per thread its state, its innermost
     * frame and its two innermost of Roster's (the whole dumps are written beside the logs).
     */
    private static String whereTheyAre(List<RosterProcess> instances) {
        StringBuilder where = new StringBuilder("threads:");
        for (RosterProcess p : instances) {
            if (!p.alive()) {
                continue;
            }
            where.append(' ').append(p.log().getFileName()).append(" [");
            for (String thread : p.threads().split("\n\n")) {
                String name = thread.startsWith("\"") ? thread.substring(1, thread.indexOf('"', 1)) : "";
                if (!name.equals("roster-relay") && !name.startsWith("roster-dispatch-hook")
                    && !name.startsWith("roster-send-hook")) {
                    continue;
                }
                String state = thread.lines().filter(l -> l.contains("java.lang.Thread.State:")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
                List<String> frames = thread.lines().map(String::trim).filter(l -> l.startsWith("at "))
                    .map(l -> l.substring(3)).toList();
                List<String> roster = frames.stream().filter(f -> f.startsWith("org.roster.") && !f.contains("$$Lambda"))
                    .limit(2).toList();
                if (roster.isEmpty() && name.startsWith("roster-send-")) {
                    continue; // an idle sender
                }
                where.append(name).append(' ').append(state).append(" at ")
                    .append(frames.isEmpty() ? "?" : frames.get(0)).append(" in ").append(roster).append("; ");
            }
            where.append(']');
        }
        return where.toString();
    }

    private static int members(String brokers, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().size();
        }
    }

    private static String holder(String url, String lease) {
        return Databases.queryOne(url, "select holder from lease where name = '" + lease + "'");
    }

    private static long count(String url, String sql) {
        return Long.parseLong(Databases.queryOne(url, sql));
    }
}
