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
    private final Map<String, List<String>> sources = new HashMap<>();

    TokenRoles(ApiSettings settings) {
        for (ApiSettings.NamedToken t : settings.tokens()) {
            byName.put(t.name(), parse(t));
            if (t.sources() != null && !t.sources().isEmpty()) {
                sources.put(t.name(), List.copyOf(t.sources()));
            }
        }
    }

    /** The authorities a token holds: its roles, and the HR sources it may push to. */
    List<String> authorities(ApiTokens.Holder holder) {
        List<String> out = new java.util.ArrayList<>();
        List<String> own;
        if (holder.roles() != null) {
            // made through the API: its roles and sources are stored with it
            holder.roles().forEach(r -> Role.fromWire(r).ifPresent(role -> out.add("ROLE_" + role.name())));
            own = holder.sources();
        } else {
            of(holder.name()).forEach(r -> out.add("ROLE_" + r.name()));
            own = sources.get(holder.name());
        }
        if (own == null) {
            out.add(SourceRights.ANY);
        } else {
            own.forEach(s -> out.add(SourceRights.PREFIX + s));
        }
        return out;
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
