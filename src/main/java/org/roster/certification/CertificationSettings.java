package org.roster.certification;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.certification}.
 *
 * @param campaigns campaign definitions by name, started on their schedule or on demand
 * @param events micro-certifications HR events start: {@code manager-change}, {@code leave-return},
 *     {@code end-date-extended}, {@code conversion}
 * @param fastDecisions when a reviewer's decisions are flagged as too fast to have been looked at
 */
@ConfigurationProperties("roster.certification")
public record CertificationSettings(@Nullable Map<String, Definition> campaigns, @Nullable Map<String, Event> events,
                                    @Nullable FastDecisions fastDecisions) {

    /** What nobody decided by the deadline becomes. */
    public enum OnDeadline {
        /** Revoked: the access was not confirmed. */
        REVOKE,
        /** Kept, recorded as not reviewed. */
        KEEP,
        /** Given to the reviewer's manager for {@code escalate-for}, then revoked. */
        ESCALATE
    }

    /**
     * One kind of campaign.
     *
     * @param scope a CEL condition over {@code worker}, {@code state} and {@code access} ({@code target},
     *     {@code entitlement}, {@code privileged}, {@code source}: {@code rule}, {@code exception},
     *     {@code jit}, {@code kept_on_move}, {@code review} or {@code unplanned}, {@code owner}); every
     *     access of every active identity for which it holds is an item
     * @param reviewers who reviews, the first that applies: {@code manager} (the person's HR manager),
     *     {@code owner} (the entitlement's catalogue owner), {@code fallback-owner}, or a person (employee
     *     number, userName or e-mail); one who does not work here now, or is the person reviewed, is
     *     passed over; when none applies, operators review
     * @param schedule a cron expression (six fields, UTC), e.g. {@code 0 0 6 1 1,4,7,10 *} (quarterly)
     * @param duration how long reviewers have (14 days)
     * @param onDeadline what an undecided item becomes; by default revoked if privileged, kept otherwise
     * @param escalateFor with {@code escalate}: how long the reviewer's manager has (7 days)
     */
    public record Definition(@Nullable String description, @Nullable String scope, @Nullable List<String> reviewers,
                             @Nullable String schedule, @Nullable Duration duration, @Nullable OnDeadline onDeadline,
                             @Nullable Duration escalateFor) {

        public Definition {
            reviewers = reviewers == null || reviewers.isEmpty() ? List.of("manager") : List.copyOf(reviewers);
            duration = duration == null ? Duration.ofDays(14) : duration;
            escalateFor = escalateFor == null ? Duration.ofDays(7) : escalateFor;
        }
    }

    /**
     * A micro-certification an HR event starts for one person: their access outside birthright,
     * reviewed by their (new) manager.
     *
     * @param enabled on by default
     * @param within how long the manager has (14 days)
     */
    public record Event(@Nullable Boolean enabled, @Nullable Duration within) {

        public Event {
            enabled = enabled == null || enabled;
            within = within == null ? Duration.ofDays(14) : within;
        }
    }

    /**
     * @param count this many decisions by one reviewer in one campaign (50)
     * @param within made within this long (60 s) are flagged in the campaign's report
     */
    public record FastDecisions(@Nullable Integer count, @Nullable Duration within) {

        public FastDecisions {
            count = count == null ? 50 : count;
            within = within == null ? Duration.ofSeconds(60) : within;
        }
    }

    public CertificationSettings {
        campaigns = campaigns == null ? Map.of() : Map.copyOf(campaigns);
        events = events == null ? Map.of() : Map.copyOf(events);
        fastDecisions = fastDecisions == null ? new FastDecisions(null, null) : fastDecisions;
        for (String name : events.keySet()) {
            if (!List.of("manager-change", "leave-return", "end-date-extended", "conversion").contains(name)) {
                throw new IllegalArgumentException("roster.certification.events." + name + ": not one of manager-change,"
                    + " leave-return, end-date-extended, conversion");
            }
        }
        campaigns.forEach((name, d) -> {
            if (d.scope() == null || d.scope().isBlank()) {
                throw new IllegalArgumentException("roster.certification.campaigns." + name + ".scope: is required"
                    + " (a CEL condition; 'true' for all access)");
            }
            if (d.schedule() != null && !org.springframework.scheduling.support.CronExpression.isValidExpression(d.schedule())) {
                throw new IllegalArgumentException("roster.certification.campaigns." + name + ".schedule: '" + d.schedule()
                    + "' is not a cron expression (six fields: second minute hour day month weekday)");
            }
        });
    }

    /** The settings of an event's micro-certification (on, 14 days, unless configured). */
    public Event event(String name) {
        return events.getOrDefault(name, new Event(null, null));
    }
}
