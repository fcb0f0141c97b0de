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

    /** One account as the target holds it. */
    record ListedAccount(String key, @Nullable String identity, boolean enabled, Map<String, String> attributes,
                         Set<String> entitlements) {
    }

    /**
     * @param pageSize how many accounts each request to the target reads
     * @return how many accounts were listed
     */
    long list(int pageSize, Consumer<ListedAccount> each) throws ConnectorException;
}
