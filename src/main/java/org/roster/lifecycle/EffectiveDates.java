package org.roster.lifecycle;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.EmploymentStatus;
import org.roster.hr.Worker;

/**
 * When a worker's HR record says access starts and ends, as instants, and so which lifecycle state
 * holds at a given instant. Pure.
 *
 * <ul>
 *   <li>Access starts at midnight of the start date in the worker's time zone, less the lead time.</li>
 *   <li>Access ends at the end of the end date (the last day of work) in that zone, or at its end
 *       time when HR gives one, whatever the employment status says: a contractor whose end date
 *       passes is a leaver at that instant.</li>
 *   <li>A termination ends access at the end date when it is in the future; at once when there is no
 *       end date, when the reason is configured as immediate, or when HR's {@code active} flag is false.</li>
 * </ul>
 */
public final class EffectiveDates {

    private final LifecycleSettings settings;

    public EffectiveDates(LifecycleSettings settings) {
        this.settings = settings;
    }

    public ZoneId zoneOf(Worker w) {
        if (w.timeZone() != null) {
            try {
                return ZoneId.of(w.timeZone());
            } catch (DateTimeException e) {
                // validated on the way in; a zone the JVM no longer knows falls back to the default
            }
        }
        return settings.defaultTimeZone();
    }

    /** When access starts; {@code null} when HR gave no start date (access from now). */
    public @Nullable Instant accessStart(Worker w) {
        if (w.startDate() == null) {
            return null;
        }
        return w.startDate().atStartOfDay(zoneOf(w)).toInstant().minus(settings.accessLeadTime());
    }

    /**
     * When access ends; {@code null} when it does not. An immediate termination ends it at
     * {@code Instant.MIN}: it has always already ended.
     */
    public @Nullable Instant accessEnd(Worker w) {
        boolean terminated = w.employmentStatus() == EmploymentStatus.TERMINATED;
        if (!w.active() || (terminated && (w.endDate() == null || settings.immediate(w.terminationReason())))) {
            return Instant.MIN;
        }
        if (w.endDate() == null) {
            return null;
        }
        if (w.endTime() != null) {
            return w.endDate().atTime(w.endTime()).atZone(zoneOf(w)).toInstant();
        }
        return w.endDate().plusDays(1).atStartOfDay(zoneOf(w)).toInstant();
    }

    /** The lifecycle state HR's record implies at {@code now}. */
    public LifecycleState stateAt(Worker w, Instant now) {
        Instant end = accessEnd(w);
        if (end != null && !end.isAfter(now)) {
            return LifecycleState.TERMINATED;
        }
        Instant start = accessStart(w);
        if (start != null && start.isAfter(now)) {
            return LifecycleState.PRE_HIRE;
        }
        return w.employmentStatus() == EmploymentStatus.LEAVE ? LifecycleState.ON_LEAVE : LifecycleState.ACTIVE;
    }

    /** The next instant after {@code now} at which the state will change by itself, if any. */
    public Optional<Instant> nextChange(Worker w, Instant now) {
        Instant start = accessStart(w);
        Instant end = accessEnd(w);
        Instant next = null;
        if (start != null && start.isAfter(now)) {
            next = start;
        }
        if (end != null && end.isAfter(now) && (next == null || end.isBefore(next))) {
            next = end;
        }
        return Optional.ofNullable(next);
    }
}
