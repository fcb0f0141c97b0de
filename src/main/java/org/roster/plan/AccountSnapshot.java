package org.roster.plan;

import java.util.Map;
import java.util.Set;

/** What Roster knows of one account on one target: acknowledged state plus operations already queued. */
public record AccountSnapshot(String target, String identity, boolean enabled, Map<String, String> attributes,
                             Set<String> entitlements) {

    public AccountSnapshot {
        attributes = Map.copyOf(attributes);
        entitlements = Set.copyOf(entitlements);
    }
}
