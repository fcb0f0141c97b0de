package org.roster.api.security;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roster.api.ApiSettings;
import org.roster.api.security.RouteRules.Role;

/**
 * The roles each API token holds: the bootstrap token every role (it is the full-rights token
 * scripts and test suites drive a fresh instance with), a named token those it is configured with.
 * A token configured without roles, or with one Roster does not have, is refused at start.
 */
final class TokenRoles {

    private final Map<String, Set<Role>> byName = new HashMap<>();

    TokenRoles(ApiSettings settings) {
        for (ApiSettings.NamedToken t : settings.tokens()) {
            byName.put(t.name(), parse(t));
        }
    }

    static Set<Role> parse(ApiSettings.NamedToken t) {
        List<String> given = t.roles() == null ? List.of() : t.roles();
        if (given.isEmpty()) {
            throw new IllegalStateException("roster.api.tokens[" + t.name() + "].roles: give the roles this token holds"
                + " (hr-source, steward, operator, auditor, admin; see docs/security.md)");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : given) {
            roles.add(Role.fromWire(r).orElseThrow(() -> new IllegalStateException("roster.api.tokens[" + t.name()
                + "].roles: '" + r + "' is not a role (hr-source, steward, operator, auditor, admin)")));
        }
        return roles;
    }

    Set<Role> of(String name) {
        if (name.equals("bootstrap")) {
            return EnumSet.allOf(Role.class);
        }
        return byName.getOrDefault(name, Set.of());
    }
}
