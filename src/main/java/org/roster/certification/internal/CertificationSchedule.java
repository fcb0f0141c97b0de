package org.roster.certification.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.roster.certification.Certifications;
import org.roster.runtime.WorkerLoop;
import org.springframework.stereotype.Component;

/**
 * Starts scheduled campaigns when their cron time comes, and applies deadlines (revoke, keep,
 * escalate) when items fall due; generates the items of campaigns just requested (and of any a
 * crash left half generated); sleeps until the earliest, at most a minute.
 */
@Component
class CertificationSchedule extends WorkerLoop {

    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CertificationSchedule.class);

    private final Certifications certifications;
    private final Clock clock;
    private @org.jspecify.annotations.Nullable Instant since;
    /** A definition that failed to start is tried again an hour later, not in a tight loop. */
    private final Map<String, Instant> failed = new java.util.HashMap<>();

    CertificationSchedule(Certifications certifications, Clock clock) {
        super("roster-certification");
        this.certifications = certifications;
        this.clock = clock;
    }

    /** A campaign waits for its items. */
    @org.springframework.context.event.EventListener
    void on(Certifications.CampaignStarting starting) {
        wake();
    }

    @Override
    protected long pass() {
        Instant now = clock.instant();
        if (since == null) {
            since = now;
        }
        if (certifications.generatePending() > 0) {
            return 0;
        }
        Instant next = now.plus(IDLE_WAIT);
        for (Map.Entry<String, Instant> start : certifications.nextStarts(since).entrySet()) {
            Instant retry = failed.get(start.getKey());
            Instant at = retry != null && retry.isAfter(start.getValue()) ? retry : start.getValue();
            if (!at.isAfter(now)) {
                try {
                    certifications.startScheduled(start.getKey());
                    failed.remove(start.getKey());
                } catch (RuntimeException e) {
                    failed.put(start.getKey(), now.plus(Duration.ofHours(1)));
                    log.error("the scheduled certification campaign '{}' could not start; tried again in an hour",
                        start.getKey(), e);
                }
                return 0;
            }
            next = at.isBefore(next) ? at : next;
        }
        certifications.closeDue(now);
        long wait = certifications.millisToNext(now, Math.min(Duration.between(clock.instant(), next).toMillis(),
            IDLE_WAIT.toMillis()));
        return Math.max(1, wait);
    }
}
