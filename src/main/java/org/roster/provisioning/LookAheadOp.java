package org.roster.provisioning;

import java.util.List;

/**
 * Finds together the accounts a wave of operations is about to change, for targets where each change
 * first finds its account with a request of its own (a SCIM application finds a user by its {@code
 * externalId} before creating, enabling, disabling or deleting it). The dispatcher calls {@link
 * #lookAhead} before sending such a wave (with at most 100 identities a call, and maybe several
 * calls), sends the operations one by one as always (each with its
 * own attempt, outcome and place in the rate limit), then calls {@link #forget}: each operation uses
 * what was found instead of asking on its own.
 *
 * <p>Best effort: what the look-ahead could not find out, or found out wrong (the account changed in
 * between), an operation asks for on its own. A look-ahead never decides that access is gone.
 */
public interface LookAheadOp {

    /** Finds the identities' accounts, as many at a time as the target takes; failures are not reported. */
    void lookAhead(List<String> identities);

    /** Drops what {@link #lookAhead} found that no operation used: the wave is over. */
    void forget();
}
