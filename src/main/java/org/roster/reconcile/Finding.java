package org.roster.reconcile;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Drift between a target and what HR and policy say it should hold.
 *
 * @param accountKey the account's key on the target (DN, SCIM id, Keycloak id)
 * @param item what on the account the drift is about: the entitlement, or for attribute drift the attribute
 * @param note what was done about it: the mend planned or held, or who accepted it, why and until when
 */
public record Finding(String id, String runId, String target, @Nullable String identity, @Nullable String accountKey,
                      Kind kind, @Nullable String item, String detail, Status status, @Nullable String note,
                      Instant foundAt) {

    public enum Kind {
        /** An account no identity in Roster owns. */
        ORPHAN_ACCOUNT,
        /** An enabled account of someone who should have no access there (a leaver, most often). */
        ENABLED_WITHOUT_ACCESS,
        /** An account that should be enabled is disabled. */
        DISABLED_ACCOUNT,
        /** Someone who should have an account there has none. */
        MISSING_ACCOUNT,
        /** An entitlement held that nothing grants. */
        EXTRA_ENTITLEMENT,
        /** An entitlement granted that is not held. */
        MISSING_ENTITLEMENT,
        /** An HR attribute (title, e-mail, ...) with another value on the target than HR gives it. */
        ATTRIBUTE_DRIFT
    }

    /**
     * {@code OPEN}: nothing done yet (report mode, an orphan, or a mend held by the safety guard);
     * {@code MENDED}: operations to undo it were planned and sent through the normal pipeline (the
     * next run shows whether they landed); {@code ACCEPTED}: someone accepted it as an exception until
     * a date, and mend leaves it alone.
     */
    public enum Status { OPEN, MENDED, ACCEPTED }

    /** What acceptance matches a later run's finding on: the identity, or the account for an orphan. */
    String subject() {
        return identity != null && kind != Kind.ORPHAN_ACCOUNT ? identity : String.valueOf(accountKey);
    }

    Finding with(Status status, @Nullable String note) {
        return new Finding(id, runId, target, identity, accountKey, kind, item, detail, status, note, foundAt);
    }
}
