package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotImport;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.plan.AccountDeletion;
import org.roster.plan.Holds;
import org.roster.support.MutableClock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Account deletions planned a page to a transaction keep the safety guard's running count: each
 * plan counts the deletions planned before it in the same page, so that deletions above the
 * {@code schedule} source's limit send up to the limit and hold the rest, as one at a time would.
 */
@org.springframework.context.annotation.Import(MutableClock.AsTheClock.class)
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "roster.store.url=jdbc:h2:mem:deletions-guard;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.plan.delete-after=30d",
    "roster.plan.guard.sources.schedule.max-count=20",
    "roster.plan.guard.sources.schedule.max-percent=100",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=hr",
    "roster.hr.sources[0].type=snapshot"})
class DeletionsTogetherGuardTests {

    @Autowired
    MutableClock clock;
    @Autowired
    SnapshotImport snapshots;
    @Autowired
    LifecycleScheduler scheduler;
    @Autowired
    AccountDeletion deletion;
    @Autowired
    Holds holds;
    @Autowired
    JdbcClient jdbc;

    @Test
    void deletionsAboveTheLimitSendUpToItAndHoldTheRest() {
        LocalDate end = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30);
        EndingContractors.importFile(snapshots, EndingContractors.rows("D", 150, end)); // two pages of deletions
        Instant due = EndingContractors.dueAfter(end);
        // their accounts exist first: the guard's limit is a share of the target's accounts (its minimum, 10, if none)
        await().atMost(Duration.ofSeconds(30)).until(() ->
            count("select count(*) from outbox where status = 'PENDING'") == 0);
        clock.set(due);
        scheduler.wake();
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from identity where employee_number like 'D%' and state = 'TERMINATED'") == 150);
        // the month's end was announced: its disables, held past the limit, are let through
        String hold = jdbc.sql("select id from plan_hold where source = 'schedule' and status = 'OPEN'")
            .query(String.class).single();
        holds.approve(hold, "operator", "month's end announced");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from outbox where kind = 'DISABLE' and status = 'DONE'") == 150);

        Instant later = due.plus(Duration.ofDays(30)).plusSeconds(1);
        clock.set(later);
        deletion.wake();

        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from plan_timer") == 0);
        long deletes = jdbc.sql("select count(*) from outbox where kind = 'DELETE' and planned_at >= ?")
            .param(Timestamp.from(later)).query(Long.class).single();
        long removals = jdbc.sql("select count(*) from outbox where source = 'schedule' and kind in ('DISABLE', 'DELETE')"
            + " and planned_at >= ?").param(Timestamp.from(later)).query(Long.class).single();
        assertThat(removals).as("the limit, counted across a page's plans").isEqualTo(20);
        assertThat(deletes).isPositive();
        assertThat(count("select count(*) from plan_hold where source = 'schedule' and status = 'OPEN'")).isEqualTo(1);
        assertThat(count("select count(distinct h.identity_key) from plan_hold_plan h where h.identity_key like 'D%'"))
            .as("every other deletion held").isEqualTo(150 - deletes);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
