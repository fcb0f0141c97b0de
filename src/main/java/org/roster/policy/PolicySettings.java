package org.roster.policy;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policy section of {@code roster.yml} ({@code roster.policy}).
 *
 * @param rules birthright rules, evaluated independently; an identity receives the union of what
 *     every matching rule grants
 * @param leaveOfAbsence what a leave of absence does to access (default {@code suspend})
 */
@ConfigurationProperties("roster.policy")
public record PolicySettings(@Nullable List<Rule> rules, @Nullable LeaveOfAbsence leaveOfAbsence) {

    public PolicySettings {
        rules = rules == null ? List.of() : List.copyOf(rules);
        leaveOfAbsence = leaveOfAbsence == null ? LeaveOfAbsence.SUSPEND : leaveOfAbsence;
    }

    /** What a leave of absence does to access. */
    public enum LeaveOfAbsence {
        /** Accounts are disabled and keep their entitlements; the return enables them again (default). */
        SUSPEND,
        /** Access stays as it is. */
        KEEP
    }

    /**
     * One rule.
     *
     * @param name unique; recorded as the reason of every grant it makes
     * @param when a CEL condition over {@code worker} (a map of HR attributes) and {@code state}
     *     (the lifecycle state, e.g. {@code ACTIVE}); must be boolean
     * @param grants what the rule grants when the condition holds
     */
    public record Rule(String name, String when, @Nullable List<Grant> grants) {
        public Rule {
            grants = grants == null ? List.of() : List.copyOf(grants);
        }
    }

    /**
     * One grant: an account on {@code target}, with an entitlement named literally
     * ({@code entitlement}), computed by a CEL expression returning a string or a list of strings
     * ({@code expression}), or neither (the account alone).
     */
    public record Grant(String target, @Nullable String entitlement, @Nullable String expression) {
    }
}
