package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.roster.hr.SnapshotImport;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.support.MutableClock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Effective dates fired a page to a transaction keep the safety guard's running count: each
 * leaver's plan counts the disables planned before it in the same page, so a month's end above
 * the {@code schedule} source's limit sends up to the limit and holds the rest, as one at a time
 * would.
 */
@org.springframework.context.annotation.Import(MutableClock.AsTheClock.class)
@SpringBootTest(properties = {
    "roster.demo.enabled=false",
    "roster.store.url=jdbc:h2:mem:effective-dates-guard;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.plan.guard.sources.schedule.max-count=20",
    "roster.plan.guard.sources.schedule.max-percent=100",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=hr",
    "roster.hr.sources[0].type=snapshot"})
class EffectiveDatesGuardTests {

    @Autowired
    MutableClock clock;
    @Autowired
    SnapshotImport snapshots;
    @Autowired
    LifecycleScheduler scheduler;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aMonthsEndAboveTheLimitSendsUpToItAndHoldsTheRest() {
        // two pages, and Glater, ending a day later
        Instant due = EndingContractors.importThem(snapshots, clock, "G", 150);
        // their accounts exist first: the guard's limit is a share of the target's accounts (its minimum, 10, if none)
        await().atMost(Duration.ofSeconds(30)).until(() ->
            count("select count(*) from outbox where status = 'PENDING'") == 0);

        clock.set(due);
        scheduler.wake();

        await().atMost(Duration.ofSeconds(30)).until(() -> count(
            "select count(*) from identity where employee_number like 'G%' and state = 'TERMINATED'") == 150);
        long disables = count(
            "select count(*) from outbox where source = 'schedule' and kind in ('DISABLE', 'DELETE')");
        long sent = count("select count(distinct identity_key) from outbox where source = 'schedule'");
        long held = count("select count(*) from plan_hold_plan");
        assertThat(disables).as("the limit, counted across the page's plans").isEqualTo(20);
        assertThat(held).as("every leaver's plan either queued or held").isEqualTo(150 - sent);
        assertThat(count("select count(*) from plan_hold where source = 'schedule' and status = 'OPEN'")).isEqualTo(1);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
