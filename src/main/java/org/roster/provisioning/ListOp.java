package org.roster.provisioning;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Lists every account on the target, page by page, so that memory does not grow with the target:
 * what reconciliation reads. Accounts Roster did not create are listed too (their identity is null
 * when they carry no employee number): those are the orphans.
 */
public interface ListOp {

    /** One account as the target holds it; attributes under Roster's names, as {@link CreateOp} takes them. */
    record ListedAccount(String key, @Nullable String identity, boolean enabled, Map<String, String> attributes,
                         Set<String> entitlements) {
    }

    /**
     * @param pageSize how many accounts each request to the target reads
     * @return how many accounts were listed
     */
    long list(int pageSize, Consumer<ListedAccount> each) throws ConnectorException;

    /**
     * The HR attributes (Roster's names: {@code givenName}, {@code email}, ...) this connector writes
     * and reads back in a listing, so that a value changed on the target is attribute drift. A name
     * not listed here is not compared (the target does not hold it, or cannot change it).
     */
    default Set<String> comparedAttributes() {
        return Set.of();
    }
}
