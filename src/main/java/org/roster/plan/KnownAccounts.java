package org.roster.plan;

import java.util.List;
import java.util.Set;

/**
 * The planner's view of actual state, implemented by provisioning (which alone talks to targets).
 * Declared here so that planning depends on no connector.
 */
public interface KnownAccounts {

    /** The names of the configured targets. */
    Set<String> targets();

    /** Every account the identity has or is about to have, one per target. */
    List<AccountSnapshot> forIdentity(String identity);

    /**
     * Reads together what {@link #forIdentity} will be asked for these identities in this transaction,
     * which holds their locks (see {@link org.roster.lifecycle.IdentitiesLocked}): one query for all
     * instead of one per identity. Does nothing outside a transaction.
     */
    default void prefetch(java.util.Collection<String> identities) {
    }

    /** How many accounts Roster knows on a target: the base of the safety guard's percentage. */
    long population(String target);

    /** How many disables and deletes a source caused on a target since a time (queued, sent or done). */
    long disablesSince(String target, String source, java.time.Instant since);
}
