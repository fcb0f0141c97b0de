package org.roster.plan;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The planner's view of access granted to one person outside policy, implemented by the grants
 * module. Declared here so that planning depends on no store.
 */
public interface StandingGrants {

    /**
     * The identity's grants in force now, exclusions among them (kind {@code EXCLUSION}: taken away at
     * a certification although policy grants them; the planner leaves them out of what policy grants
     * until the identity's position changes).
     */
    List<StandingGrant> active(String identity, Instant now);

    /** Records that a move kept an entitlement that follows the person, so later plans keep it too. */
    void keptOnMove(String identity, String target, String entitlement, String correlationId);

    /**
     * Opens a review of a privileged entitlement its holder had before a move; the access is
     * suspended (removed) until the owner approves it, and stays revoked if the deadline passes.
     */
    void reviewAfterMove(String identity, String target, String entitlement, @Nullable String owner, Instant due,
                         String correlationId);
}
