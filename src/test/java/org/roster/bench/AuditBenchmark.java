package org.roster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.audit.ChainVerifier;
import org.roster.audit.internal.AuditRepository;
import org.flywaydb.core.Flyway;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log at scale, on the embedded H2 file store: the append rate (records a second, in
 * transactions of 100 as a busy Roster writes them, each numbered and hashed under the chain's lock),
 * then the verification of the whole chain ({@code bench.records}, default 1 000 000). Run with
 * {@code mvn -B test -Pbenchmark -Dtest=AuditBenchmark}.
 */
@Tag("benchmark")
class AuditBenchmark {

    private static final int RECORDS = Integer.getInteger("bench.records", 1_000_000);

    @Test
    void appendAndVerify() throws Exception {
        // pooled, as Roster runs it (an unpooled H2 file database closes, and compacts, with its last connection)
        com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
        ds.setJdbcUrl(Databases.freshH2FileUrl("bench-audit-store"));
        ds.setUsername("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(ds));
        AuditLog audit = new AuditLog(new AuditRepository(JdbcClient.create(ds), new JdbcTemplate(ds)),
            Clock.systemUTC(), tx);

        long t0 = System.nanoTime();
        for (int done = 0; done < RECORDS; done += 100) {
            int from = done;
            tx.executeWithoutResult(s -> {
                List<AuditEntry> batch = new ArrayList<>(100);
                for (int i = from; i < from + 100; i++) {
                    batch.add(new AuditEntry("E" + (i % 10_000), i % 3 == 0 ? "PLANNED" : "OPERATION_ACKED",
                        AuditEntry.Stage.EXECUTION, "roster", "directory",
                        "ADD_ENTITLEMENT directory dept-" + (i % 50) + " acknowledged " + (i % 97) + " ms after the HR"
                            + " change was received", "evt-" + (i / 3)));
                }
                audit.appendAll(batch);
            });
        }
        double append = (System.nanoTime() - t0) / 1e9;
        long h0 = System.nanoTime();
        long heapBefore = usedHeap();
        ChainVerifier.Result result = audit.verify();
        double verify = (System.nanoTime() - h0) / 1e9;
        assertThat(result.intact()).isTrue();
        assertThat(result.checked()).isEqualTo(RECORDS);
        String report = String.format(Locale.ROOT, """
            audit log, H2 file store; date %s, %d cores, max heap %d MB
              append %d records (transactions of 100, numbered and hashed under the chain's lock): %.1f s, %.0f records/s
              verify the whole chain (read in pages of 5 000, every hash recomputed): %.1f s, %.0f records/s, heap in use before %d MB
            """, Instant.now(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
            RECORDS, append, RECORDS / append, verify, RECORDS / verify, heapBefore);
        System.out.println(report);
        ds.close();
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/audit-" + RECORDS + ".txt"), report);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

}
