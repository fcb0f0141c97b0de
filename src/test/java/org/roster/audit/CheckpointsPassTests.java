package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.audit.internal.AuditRepository;
import org.roster.support.Databases;
import org.roster.support.MutableClock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a checkpoint pass costs over a Roster's life. The loop signs when the last checkpoint is an
 * interval old, whatever wakes it: in cluster mode every loop looks again every 2 s, and it signed at
 * each look (some 43 000 checkpoints a day instead of 288). And a pass verifies each stored
 * checkpoint's signature once, not at every pass after it: Ed25519 in the JDK takes 0.6 to 0.7 ms,
 * so a pass over a year of checkpoints took more than a minute. Tampering with a checkpoint already
 * verified is still found at the next pass.
 */
class CheckpointsPassTests {

    private static final Duration INTERVAL = Duration.ofMinutes(5);

    Databases.Kind kind() {
        return Databases.Kind.H2;
    }

    @Test
    void aPassSignsOnceTheLastCheckpointIsAnIntervalOldAndVerifiesEachSignatureOnce() {
        DataSource store = Databases.fresh(kind());
        JdbcClient jdbc = JdbcClient.create(store);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
        AuditRepository records = new AuditRepository(jdbc, new JdbcTemplate(store));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(store));
        Checkpoints checkpoints = new Checkpoints(jdbc, clock, new AuditSettings(null, null, INTERVAL, null), records);

        append(tx, records, clock, "E1");
        assertThat(checkpoints.pass()).as("the first pass signs, having checked the whole chain").isEqualTo(INTERVAL.toMillis());
        assertThat(count(jdbc)).isEqualTo(1);

        // records keep coming; the loop is woken (or, in cluster mode, looks every 2 s) within the interval
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(2));
            append(tx, records, clock, "E" + (i + 2));
            long wait = checkpoints.pass();
            assertThat(wait).as("waits for what is left of the interval").isPositive()
                .isLessThanOrEqualTo(INTERVAL.minusSeconds(2L * (i + 1)).toMillis());
        }
        assertThat(count(jdbc)).as("nothing signed before the interval is over").isEqualTo(1);
        clock.advance(INTERVAL);
        checkpoints.pass();
        assertThat(count(jdbc)).as("signed once it is").isEqualTo(2);

        // twenty more checkpoints, an interval apart: each pass verifies the signature of the one new since the last
        for (int i = 0; i < 20; i++) {
            clock.advance(INTERVAL);
            append(tx, records, clock, "F" + i);
            checkpoints.pass();
        }
        assertThat(count(jdbc)).isEqualTo(22);
        long before = checkpoints.signaturesVerified.sum();
        clock.advance(INTERVAL);
        append(tx, records, clock, "G");
        checkpoints.pass();
        assertThat(count(jdbc)).isEqualTo(23);
        assertThat(checkpoints.signaturesVerified.sum() - before).as("one signature verified, not 22").isEqualTo(1);
        assertThat(checkpoints.verify().brokenAt()).isNull();
        assertThat(checkpoints.verify().checked()).isEqualTo(23);

        // a checkpoint verified long ago is changed in the store: its signature is verified again, and fails
        List<Checkpoints.Checkpoint> stored = checkpoints.list();
        Checkpoints.Checkpoint third = stored.get(2);
        jdbc.sql("update audit_checkpoint set signature = ? where seq = ?").params(stored.get(3).signature(), third.seq()).update();
        Checkpoints.Result forged = checkpoints.verify();
        assertThat(forged.brokenAt()).isEqualTo(third.seq());
        assertThat(forged.reason()).contains("signature does not verify");
        assertThat(forged.checked()).isEqualTo(2);
        jdbc.sql("update audit_checkpoint set signature = ? where seq = ?").params(third.signature(), third.seq()).update();
        assertThat(checkpoints.verify().brokenAt()).isNull();

        // and a record a checkpoint signed, found in the same single statement for all of them
        Checkpoints.Checkpoint fifth = stored.get(4);
        jdbc.sql("update audit_record set hash = ? where seq = ?").params("0".repeat(64), fifth.seq()).update();
        Checkpoints.Result rewritten = checkpoints.verify();
        assertThat(rewritten.brokenAt()).isEqualTo(fifth.seq());
        assertThat(rewritten.reason()).contains("no longer has the signed hash");
        assertThat(rewritten.checked()).isEqualTo(4);
        jdbc.sql("delete from audit_record where seq = ?").param(fifth.seq()).update();
        assertThat(checkpoints.verify().reason()).contains("the record is gone");

        // a break stops the signing, whatever the interval says
        clock.advance(INTERVAL);
        append(tx, records, clock, "H");
        checkpoints.pass();
        assertThat(count(jdbc)).as("nothing signed over a break").isEqualTo(23);
    }

    private static void append(TransactionTemplate tx, AuditRepository records, MutableClock clock, String identity) {
        tx.executeWithoutResult(s -> records.insertAll(List.of(Map.entry(clock.instant(),
            new AuditEntry(identity, "hr.record", AuditEntry.Stage.REQUEST, "test", null, "joined", null)))));
    }

    private static long count(JdbcClient jdbc) {
        return jdbc.sql("select count(*) from audit_checkpoint").query(Long.class).single();
    }
}
