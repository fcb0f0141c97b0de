package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.runtime.ClusterSettings;
import org.roster.runtime.ExclusiveRuns;
import org.roster.support.Databases;

/**
 * What holding a SCIM group across instances costs (cluster mode over Kafka: the connector holds a
 * group in the store while its members change, so that two instances never PATCH one group at once).
 * On a real PostgreSQL: the hold alone, taken and let go by one instance with nothing else running;
 * then two instances changing one group's members as fast as they can, each change taking {@code
 * bench.hold.patch-ms} (default 5) inside the hold, against the one-at-a-time ceiling of that many
 * milliseconds a change. Run with {@code mvn -B test -Pbenchmark -Dtest=GroupHoldBenchmark}, and with
 * {@code -Dpg.fsync=on} for a server that flushes each commit to the disk, as a production one does.
 */
@Tag("benchmark")
class GroupHoldBenchmark {

    private static final int HOLDS = Integer.getInteger("bench.hold.count", 5_000);
    private static final int CHANGES = Integer.getInteger("bench.hold.changes", 1_000);
    private static final long PATCH_MILLIS = Long.getLong("bench.hold.patch-ms", 5);

    @Test
    void holdAloneThenTwoInstancesOnOneGroup() throws Exception {
        // pooled, with Roster's sessions' synchronous_commit, as an instance runs it
        com.zaxxer.hikari.HikariDataSource jdbc = new com.zaxxer.hikari.HikariDataSource();
        jdbc.setJdbcUrl(Databases.freshPostgresUrl());
        jdbc.setUsername("postgres");
        jdbc.addDataSourceProperty("options", "-c synchronous_commit=on");
        org.flywaydb.core.Flyway.configure().dataSource(jdbc).locations("classpath:db/migration").load().migrate();
        ExclusiveRuns a = instance(jdbc, "a");
        ExclusiveRuns b = instance(jdbc, "b");

        for (int i = 0; i < 500; i++) { // warm-up
            a.await("scim-group:crm:warm-up", "dispatch", Duration.ofSeconds(5)).close();
        }
        long[] alone = new long[HOLDS];
        for (int i = 0; i < HOLDS; i++) {
            long t0 = System.nanoTime();
            a.await("scim-group:crm:sales", "dispatch", Duration.ofSeconds(5)).close();
            alone[i] = System.nanoTime() - t0;
        }

        // two instances, one sender each (a target's lane on each), on one group
        AtomicInteger left = new AtomicInteger(CHANGES);
        List<Long> waits = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        java.util.Map<ExclusiveRuns, AtomicInteger> made = java.util.Map.of(a, new AtomicInteger(), b, new AtomicInteger());
        for (ExclusiveRuns instance : List.of(a, b)) {
            Thread t = new Thread(() -> {
                while (left.getAndDecrement() > 0) {
                    long asked = System.nanoTime();
                    try (ExclusiveRuns.Held held = instance.await("scim-group:crm:all-staff", "dispatch", Duration.ofSeconds(30))) {
                        waits.add(System.nanoTime() - asked);
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.sleep(PATCH_MILLIS); // the PATCH
                        made.get(instance).incrementAndGet();
                        inside.decrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(overlaps.get()).as("never two changes of the group at once").isZero();
        assertThat(waits).hasSize(CHANGES);

        long[] waited = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        Arrays.sort(alone);
        double ceiling = 1000.0 / PATCH_MILLIS;
        String report = String.format(Locale.ROOT, """
            SCIM group held across instances, PostgreSQL 17 (fsync %s), pooled; date %s, %d cores
              the hold alone (taken and let go, one instance, %d times): p50 %.2f ms, p99 %.2f ms, mean %.2f ms
              two instances changing one group, %d changes of %d ms each: %.1f s, %.1f changes/s against %.0f/s one at a time
                (%.0f %%); wait for the hold p50 %.1f ms, p99 %.1f ms, max %.1f ms; changes made by each instance %d, %d
            """, System.getProperty("pg.fsync", "off"), Instant.now(), Runtime.getRuntime().availableProcessors(), HOLDS, ms(alone, 0.50), ms(alone, 0.99),
            Arrays.stream(alone).average().orElse(0) / 1e6, CHANGES, PATCH_MILLIS, seconds, CHANGES / seconds, ceiling,
            100 * CHANGES / seconds / ceiling, ms(waited, 0.50), ms(waited, 0.99), waited[waited.length - 1] / 1e6,
            made.get(a).get(), made.get(b).get());
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/group-hold.txt"), report);
        jdbc.close();
    }

    private static ExclusiveRuns instance(javax.sql.DataSource jdbc, String id) {
        return new ExclusiveRuns(jdbc, new ClusterSettings(true, id, Duration.ofSeconds(30), null));
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }
}
