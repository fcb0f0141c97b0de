package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotImport;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.support.MutableClock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Many effective dates due at once, as at a month's end: the scheduler applies them a page of a
 * hundred to a transaction, each identity's change once, and one that cannot be applied holds
 * back none of the others.
 */
@org.springframework.context.annotation.Import(MutableClock.AsTheClock.class)
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "roster.store.url=jdbc:h2:mem:effective-dates;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.plan.guard.enabled=false",
    "roster.plan.delete-after=30d",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=hr",
    "roster.hr.sources[0].type=snapshot"})
class EffectiveDatesTogetherTests {

    @Autowired
    MutableClock clock;
    @Autowired
    SnapshotImport snapshots;
    @Autowired
    LifecycleScheduler scheduler;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    org.roster.plan.AccountDeletion deletion;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private static String prefix() {
        return "E" + UUID.randomUUID().toString().substring(0, 5).toUpperCase(java.util.Locale.ROOT);
    }

    private long count(String sql, String p) {
        return jdbc.sql(sql).param(p + "%").query(Long.class).single();
    }

    private String state(String en) {
        return jdbc.sql("select state from identity where employee_number = ?").param(en).query(String.class).single();
    }

    private void timePasses(Instant to) {
        clock.set(to);
        scheduler.wake();
    }

    @Test
    void aMonthsEndOfContractorsLeavesEachOnce() {
        String p = prefix();
        Instant due = EndingContractors.importThem(snapshots, clock, p, 250); // more than two pages of a hundred

        timePasses(due);

        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from identity where employee_number like ? and state = 'TERMINATED'", p) == 250);
        assertThat(state(p + "later")).as("ends a day later").isEqualTo("ACTIVE");
        assertThat(count("select count(*) from lifecycle_schedule where employee_number like ?", p))
            .as("only the later one is still scheduled").isEqualTo(1);
        assertThat(count(
            "select count(*) from lifecycle_event where employee_number like ? and to_state = 'TERMINATED'", p))
            .as("one leaver event each").isEqualTo(250);
        assertThat(count("select count(*) from outbox where identity_key like ? and kind = 'DISABLE'", p))
            .as("one disable each").isEqualTo(250);
        assertThat(scheduler.fireDue()).as("nothing left due").isZero();
    }

    @Test
    void aMonthsEndOfLeaversIsDeletedAfterTheGracePeriodEachOnce() {
        String p = prefix();
        Instant due = EndingContractors.importThem(snapshots, clock, p, 250); // a deletion page is a hundred
        timePasses(due);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from identity where employee_number like ? and state = 'TERMINATED'", p) == 250);
        assertThat(count("select count(*) from plan_timer where identity_key like ?", p)).isEqualTo(250);

        clock.set(due.plus(Duration.ofDays(30)).plusSeconds(1));
        deletion.wake();

        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from plan_timer where identity_key like ?", p) == 0);
        assertThat(count("select count(*) from outbox where identity_key like ? and kind = 'DELETE'", p))
            .as("one deletion each").isEqualTo(250);
        assertThat(count("select count(distinct identity_key) from outbox where identity_key like ? and kind = 'DELETE'",
            p)).isEqualTo(250);
        assertThat(count("select count(*) from outbox where identity_key like ? and kind = 'DELETE'", p + "later"))
            .as("it ended a day later: not due yet").isZero();
    }

    @Test
    void anEffectiveDateThatCannotBeAppliedHoldsBackNoOther() {
        String p = prefix();
        Instant due = EndingContractors.importThem(snapshots, clock, p, 150);
        // the store refuses one of them the change (as a fault or a constraint added by hand would)
        jdbc.sql("alter table identity add constraint refuses_one check (employee_number <> '" + p + "7'"
            + " or state <> 'TERMINATED')").update();
        try {
            timePasses(due);

            await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from identity where employee_number like ? and state = 'TERMINATED'", p) == 149);
            assertThat(state(p + "7")).isEqualTo("ACTIVE");
            assertThat(jdbc.sql("select count(*) from lifecycle_schedule where employee_number = ?").param(p + "7")
                .query(Long.class).single()).as("still due").isEqualTo(1);
        } finally {
            jdbc.sql("alter table identity drop constraint refuses_one").update();
        }
        scheduler.wake();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(p + "7").equals("TERMINATED"));
        assertThat(count(
            "select count(*) from lifecycle_event where employee_number like ? and to_state = 'TERMINATED'", p))
            .isEqualTo(150);
        assertThat(count("select count(*) from outbox where identity_key like ? and kind = 'DISABLE'", p))
            .isEqualTo(150);
    }

    @Test
    void morePoisonedDatesThanAPageHoldBackNoneDueAfterThem() {
        String p = prefix();
        LocalDate first = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30);
        // 120 due first, more than a page, each refused by the store; then 50 due a day later
        EndingContractors.importFile(snapshots, EndingContractors.rows(p + "A", 120, first)
            + EndingContractors.rows(p + "B", 50, first.plusDays(1)));
        jdbc.sql("alter table identity add constraint refuses_some check (employee_number not like '" + p + "A%'"
            + " or state <> 'TERMINATED')").update();
        try {
            timePasses(EndingContractors.dueAfter(first.plusDays(1)));

            await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from identity where employee_number like ? and state = 'TERMINATED'", p + "B") == 50);
            assertThat(count("select count(*) from identity where employee_number like ? and state = 'TERMINATED'",
                p + "A")).isZero();
            assertThat(meters.get("roster.lifecycle.effective.dates.failing").gauge().value())
                .as("waiting to be tried again").isEqualTo(120);
            assertThat(count("select count(*) from lifecycle_schedule where employee_number like ?", p + "A"))
                .as("still due").isEqualTo(120);
        } finally {
            jdbc.sql("alter table identity drop constraint refuses_some").update();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from identity where employee_number like ? and state = 'TERMINATED'", p) == 170);
        assertThat(count(
            "select count(*) from lifecycle_event where employee_number like ? and to_state = 'TERMINATED'", p))
            .as("one leaver event each").isEqualTo(170);
        assertThat(count("select count(*) from outbox where identity_key like ? and kind = 'DISABLE'", p))
            .as("one disable each").isEqualTo(170);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.failing() == 0);
    }
}
