package org.roster.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Starts each target's reconciliation when its cron schedule ({@code roster.reconcile.targets.NAME.schedule},
 * UTC) falls due, in its configured mode, as actor {@code schedule}. A run missed while Roster was down
 * is not made up: the next one is due at the schedule's next time after start. A target still being
 * reconciled when its time comes skips that time.
 */
@Component
class ReconcileSchedule extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(ReconcileSchedule.class);
    private static final long IDLE_MS = 3_600_000;

    private final Reconciliations reconciliations;
    private final ReconcileSettings settings;
    private final Clock clock;
    private final Map<String, Instant> next = new HashMap<>();

    ReconcileSchedule(Reconciliations reconciliations, ReconcileSettings settings, Clock clock) {
        super("reconcile-schedule");
        this.reconciliations = reconciliations;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected long pass() {
        Instant now = clock.instant();
        long sleep = IDLE_MS;
        for (String target : settings.targets().keySet()) {
            CronExpression cron = settings.schedule(target).orElse(null);
            if (cron == null) {
                continue;
            }
            Instant due = next.computeIfAbsent(target, t -> after(cron, now));
            if (!due.isAfter(now)) {
                try {
                    ReconcileRun run = reconciliations.start(target, null, "schedule");
                    log.info("scheduled reconciliation of '{}' started: run {}", target, run.id());
                } catch (ReconcileException e) {
                    log.warn("scheduled reconciliation of '{}' skipped: {}", target, e.getMessage());
                }
                due = after(cron, now);
                next.put(target, due);
            }
            sleep = Math.min(sleep, Math.max(0, due.toEpochMilli() - now.toEpochMilli()));
        }
        return Math.max(sleep, 250);
    }

    private static Instant after(CronExpression cron, Instant now) {
        ZonedDateTime t = cron.next(now.atZone(ZoneOffset.UTC));
        return t == null ? now.plus(java.time.Duration.ofDays(3650)) : t.toInstant();
    }
}
