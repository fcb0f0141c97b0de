package org.roster.reconcile;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.support.CronExpression;

/**
 * {@code roster.reconcile}: how and when each target is read back.
 *
 * @param pageSize accounts read per request to a target (default 500)
 * @param maxAcceptance the longest an accepted drift may stay accepted before it is reported again
 *     (default 365 days)
 * @param targets per target name: its mode and schedule; a target not named here reconciles on
 *     demand only, in report mode
 */
@ConfigurationProperties("roster.reconcile")
public record ReconcileSettings(@Nullable Integer pageSize, @Nullable Duration maxAcceptance,
                                @Nullable Map<String, Target> targets) {

    /** What a run does with drift. */
    public enum Mode {
        /** Findings only; nothing is changed. */
        REPORT,
        /** Findings, and the drift of known identities planned away through the planner and the safety guard. */
        MEND
    }

    /**
     * One target's reconciliation.
     *
     * @param mode what a run does by default (report when unset)
     * @param schedule a Spring cron expression (six fields, seconds first), evaluated in UTC, e.g.
     *     {@code 0 0 2 * * *} for 02:00 every day; unset: on demand only
     */
    public record Target(@Nullable Mode mode, @Nullable String schedule) {
    }

    public ReconcileSettings {
        pageSize = pageSize == null ? 500 : pageSize;
        maxAcceptance = maxAcceptance == null ? Duration.ofDays(365) : maxAcceptance;
        targets = targets == null ? Map.of() : Map.copyOf(targets);
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("roster.reconcile.page-size must be between 1 and 10000, was " + pageSize);
        }
        if (maxAcceptance.isNegative() || maxAcceptance.isZero()) {
            throw new IllegalArgumentException("roster.reconcile.max-acceptance must be positive");
        }
        targets.forEach((name, t) -> {
            if (t.schedule() != null) {
                try {
                    CronExpression.parse(t.schedule());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("roster.reconcile.targets." + name + ".schedule: '" + t.schedule()
                        + "' is not a cron expression (six fields, seconds first): " + e.getMessage(), e);
                }
            }
        });
    }

    @Override
    public Integer pageSize() {
        return pageSize;
    }

    @Override
    public Duration maxAcceptance() {
        return maxAcceptance;
    }

    @Override
    public Map<String, Target> targets() {
        return targets;
    }

    /** The target's default mode. */
    public Mode mode(String target) {
        Target t = targets.get(target);
        return t == null || t.mode() == null ? Mode.REPORT : t.mode();
    }

    /** The target's schedule, if it has one. */
    public Optional<CronExpression> schedule(String target) {
        Target t = targets.get(target);
        return t == null || t.schedule() == null ? Optional.empty() : Optional.of(CronExpression.parse(t.schedule()));
    }
}
