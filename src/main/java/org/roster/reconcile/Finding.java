package org.roster.reconcile;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Drift between a target and what HR and policy say it should hold.
 *
 * @param accountKey the account's key on the target (DN, SCIM id, Keycloak id)
 */
public record Finding(String id, String runId, String target, @Nullable String identity, @Nullable String accountKey,
                      Kind kind, String detail, Status status, Instant foundAt) {

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
        MISSING_ENTITLEMENT
    }

    public enum Status { OPEN, MENDED, ACCEPTED }
}
