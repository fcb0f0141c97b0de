package org.roster.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policy: {@code roster.policy} in {@code roster.yml}, or the YAML file named by
 * {@code roster.policy.file} (same keys, without the {@code roster.policy} prefix), which can be
 * reloaded while Roster runs.
 *
 * @param file a policy file; when set, it is the policy, and the other keys here are ignored
 * @param rules birthright rules, evaluated independently; an identity receives the union of what
 *     every matching rule grants
 * @param catalogue per target, the entitlements it offers, with their owner and flags
 * @param segregationOfDuties sets of entitlements no identity may hold two of
 * @param leaveOfAbsence what a leave of absence does to access, unless the worker type says otherwise
 *     (default {@code suspend})
 * @param leaveOfAbsenceByWorkerType per worker type ({@code employee}, {@code contractor}, ...)
 * @param leaveOfAbsenceKeep for {@code keep-some}: the entitlements kept, as {@code target:entitlement}
 * @param privilegedReviewDeadline how long the owner of a privileged entitlement has to review it
 *     after its holder moves (default 7 days); unreviewed, it stays revoked
 */
@ConfigurationProperties("roster.policy")
public record PolicySettings(@Nullable String file, @Nullable List<Rule> rules,
                             @Nullable Map<String, List<CatalogueEntry>> catalogue,
                             @Nullable List<Separation> segregationOfDuties,
                             @Nullable LeaveMode leaveOfAbsence,
                             @Nullable Map<String, LeaveMode> leaveOfAbsenceByWorkerType,
                             @Nullable List<String> leaveOfAbsenceKeep,
                             @Nullable Duration privilegedReviewDeadline) {

    public PolicySettings {
        rules = rules == null ? List.of() : List.copyOf(rules);
        catalogue = catalogue == null ? Map.of() : Map.copyOf(catalogue);
        segregationOfDuties = segregationOfDuties == null ? List.of() : List.copyOf(segregationOfDuties);
        leaveOfAbsence = leaveOfAbsence == null ? LeaveMode.SUSPEND : leaveOfAbsence;
        leaveOfAbsenceByWorkerType = leaveOfAbsenceByWorkerType == null ? Map.of() : Map.copyOf(leaveOfAbsenceByWorkerType);
        leaveOfAbsenceKeep = leaveOfAbsenceKeep == null ? List.of() : List.copyOf(leaveOfAbsenceKeep);
        privilegedReviewDeadline = privilegedReviewDeadline == null ? Duration.ofDays(7) : privilegedReviewDeadline;
    }

    /** The policy itself, without the file setting: what a policy file holds. */
    boolean isEmpty() {
        return rules.isEmpty() && catalogue.isEmpty() && segregationOfDuties.isEmpty();
    }

    /** What a leave of absence does to access. */
    public enum LeaveMode {
        /** Accounts are disabled and keep their entitlements; the return enables them again (default). */
        SUSPEND,
        /** Accounts stay enabled with only the entitlements in {@code leave-of-absence-keep}; the rest return with the worker. */
        KEEP_SOME,
        /** Accounts are disabled and every entitlement is removed; the return grants them again from policy. */
        DISABLE,
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

    /**
     * An entitlement a target offers.
     *
     * @param name its name on the target (group cn, role name); a name ending in {@code *} describes
     *     every entitlement starting with the rest, for names computed by expressions
     * @param owner who answers for it: reviews privileged access, is listed with its exceptions
     * @param privileged access that is reviewed by its owner when its holder moves
     * @param follows {@code position} (default): removed when its holder moves and no rule of the new
     *     position grants it; {@code person}: kept across moves
     * @param includes other entitlements of the same target that come with this one (a bundle)
     * @param fallbackOwner who decides for it while the owner does not work here (left, on leave);
     *     without one, the owner's manager in HR
     * @param decidedBy who decides exceptions, JIT requests and reviews of it: {@code owner} (the
     *     default) and, where listed, {@code manager} (the HR manager of the person the access is for)
     */
    public record CatalogueEntry(String name, @Nullable String owner, @Nullable String description,
                                 @Nullable Boolean privileged, @Nullable Follows follows,
                                 @Nullable List<String> includes, @Nullable String fallbackOwner,
                                 @Nullable List<Decider> decidedBy) {
        public CatalogueEntry {
            privileged = privileged != null && privileged;
            follows = follows == null ? Follows.POSITION : follows;
            includes = includes == null ? List.of() : List.copyOf(includes);
            decidedBy = decidedBy == null || decidedBy.isEmpty() ? List.of(Decider.OWNER) : List.copyOf(decidedBy);
        }

        /** As the policy version has always hashed it, with the newer settings only where given. */
        String canonical() {
            String base = "CatalogueEntry[name=" + name + ", owner=" + owner + ", description=" + description
                + ", privileged=" + privileged + ", follows=" + follows + ", includes=" + includes;
            if (fallbackOwner != null) {
                base += ", fallbackOwner=" + fallbackOwner;
            }
            if (!decidedBy.equals(List.of(Decider.OWNER))) {
                base += ", decidedBy=" + decidedBy;
            }
            return base + "]";
        }
    }

    /** Who decides access outside policy to an entitlement. */
    public enum Decider { OWNER, MANAGER }

    /** Whether access survives a move. */
    public enum Follows { PERSON, POSITION }

    /**
     * A segregation-of-duties constraint.
     *
     * @param name reported with every conflict
     * @param entitlements {@code target:entitlement}, two or more; holding any two is a conflict
     */
    public record Separation(String name, @Nullable List<String> entitlements) {
        public Separation {
            entitlements = entitlements == null ? List.of() : List.copyOf(entitlements);
        }
    }
}
