package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.support.Api;
import org.roster.support.Databases;
import org.roster.support.ScimWorkers;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Non-human identities at scale: {@code bench.nhis} NHIs (default 100 000) owned by 2 000 people, of
 * whom {@code bench.leavers} (default 1 000) leave at once through SCIM; reported: the time until
 * every one of the leavers' NHIs is handed to their manager for review, the time until every one of
 * their credentials is rotated (planned, sent through the outbox, delivered to a secret sink and
 * acknowledged), and the leaver path's own latency meanwhile. Run with {@code mvn -B test -Pbenchmark -Dtest=NhiHandoverBenchmark}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + NhiHandoverBenchmark.TOKEN,
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.policy.rules[0].name=account",
    "roster.policy.rules[0].when=true",
    "roster.policy.rules[0].grants[0].target=directory",
    "roster.nhi.discover-every=0",
    "roster.plan.guard.enabled=false"})
class NhiHandoverBenchmark {

    /** A sink that takes every value and keeps none: what is measured is Roster's part. */
    @org.springframework.boot.test.context.TestConfiguration
    static class Sink {
        @org.springframework.context.annotation.Bean
        org.roster.nhi.SecretSink countingSink() {
            return (nhi, secret) -> DELIVERED.incrementAndGet();
        }
    }

    static final java.util.concurrent.atomic.AtomicLong DELIVERED = new java.util.concurrent.atomic.AtomicLong();

    static final String TOKEN = "nhi-bench-token-0123456789";
    private static final int NHIS = Integer.getInteger("bench.nhis", 100_000);
    private static final int LEAVERS = Integer.getInteger("bench.leavers", 1_000);
    private static final int OWNERS = 2 * LEAVERS;
    private static String store = "";

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry r) {
        store = Databases.benchmarkStore(r, "bench-nhi");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aThousandOwnersLeaveAtOnce() {
        Api api = new Api("http://127.0.0.1:" + port, TOKEN);
        ScimWorkers.hire(api, "BOSS", "boss", null);
        List<String> scimIds = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            scimIds.add(ScimWorkers.hire(api, owner(i), "owner" + i, "BOSS"));
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> jdbc.queryForObject(
            "select count(*) from identity where state = 'ACTIVE'", Long.class) == OWNERS + 1);
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp later = Timestamp.from(Instant.now().plus(Duration.ofDays(300)));
        for (int from = 0; from < NHIS; from += 1_000) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = from; i < Math.min(NHIS, from + 1_000); i++) {
                rows.add(new Object[] {"nhi-" + i, "svc-" + i, "SERVICE_ACCOUNT", "directory", owner(i % OWNERS),
                    "bench", "ACTIVE", "DECLARED", now, "bench", later, now});
            }
            jdbc.batchUpdate("insert into nhi (id, name, kind, target, owner, purpose, state, origin, created_at,"
                + " created_by, expires_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
            jdbc.batchUpdate("insert into nhi_credential (nhi_id, kind) values (?, 'password')",
                rows.stream().map(r -> new Object[] {r[0]}).toList());
        }
        long perLeaver = NHIS / OWNERS;

        long t0 = System.nanoTime();
        List<Double> leaverMs = new ArrayList<>();
        for (int i = 0; i < LEAVERS; i++) {
            long s = System.nanoTime();
            assertThat(api.send("DELETE", "/scim/v2/Users/" + scimIds.get(i), "application/scim+json", "").status())
                .isEqualTo(204);
            leaverMs.add((System.nanoTime() - s) / 1e6);
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
            "select count(*) from nhi where state = 'REVIEW' and owner = 'BOSS'", Long.class) == LEAVERS * perLeaver);
        double seconds = (System.nanoTime() - t0) / 1e9;
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.queryForObject(
            "select count(*) from nhi_credential where rotated_at is not null", Long.class) == LEAVERS * perLeaver);
        double rotated = (System.nanoTime() - t0) / 1e9;
        assertThat(DELIVERED.get()).isGreaterThanOrEqualTo(LEAVERS * perLeaver);
        leaverMs.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%n[nhi] %s: %,d NHIs, %,d owners; %,d leave at once through SCIM (%,d NHIs to"
                + " hand over)%n[nhi] every handover recorded after %.1f s; every rotation acknowledged after %.1f s (%,d"
                + " deliveries); SCIM DELETE p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
            store, NHIS, OWNERS, LEAVERS, LEAVERS * perLeaver, seconds, rotated, DELIVERED.get(),
            leaverMs.get(leaverMs.size() / 2), leaverMs.get((int) (leaverMs.size() * 0.95)), leaverMs.get(leaverMs.size() - 1));
    }

    private static String owner(int i) {
        return String.format(Locale.ROOT, "O%05d", i);
    }
}
