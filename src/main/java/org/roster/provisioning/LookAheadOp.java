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

    /**
     * What a look-ahead found, for a connector to keep between {@link #lookAhead} and {@link #forget}:
     * each identity's account, or that it has none, each used once. Safe for a wave's concurrent sends.
     *
     * @param <A> how the target gives an account (a SCIM user, an LDAP entry)
     */
    final class Found<A> {
        private final java.util.Map<String, A> accounts = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Set<String> none = java.util.concurrent.ConcurrentHashMap.newKeySet();

        public void account(String identity, A account) {
            accounts.put(identity, account);
        }

        /** The identity has no account: only a create may trust this (see the connector). */
        public void none(String identity) {
            none.add(identity);
        }

        /** The identity's account, if one was found (once). */
        public @org.jspecify.annotations.Nullable A take(String identity) {
            return accounts.remove(identity);
        }

        /** Whether the identity was found to have no account (once). */
        public boolean takeNone(String identity) {
            return none.remove(identity);
        }

        public void clear() {
            accounts.clear();
            none.clear();
        }
    }
}
