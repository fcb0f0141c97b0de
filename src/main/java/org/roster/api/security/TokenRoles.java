package org.roster.api.security;

import org.roster.principals.ApiTokens;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roster.api.ApiSettings;
import org.roster.principals.Role;

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

    /** The principal a token stands for, with its roles and the HR sources it may push to. */
    RosterAuthentication authentication(ApiTokens.Holder holder) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        List<String> own;
        if (holder.roles() != null) {
            // made through the API: its roles and sources are stored with it
            holder.roles().forEach(r -> Role.fromWire(r).ifPresent(roles::add));
            own = holder.sources();
        } else {
            roles.addAll(of(holder.name()));
            own = sources.get(holder.name());
        }
        List<String> rights = own == null ? List.of(SourceRights.ANY)
            : own.stream().map(s -> SourceRights.PREFIX + s).toList();
        return new RosterAuthentication(org.roster.principals.Principal.token(holder.name(), roles), rights);
    }

    static Set<Role> parse(ApiSettings.NamedToken t) {
        List<String> given = t.roles() == null ? List.of() : t.roles();
        if (given.isEmpty()) {
            throw new IllegalStateException("roster.api.tokens[" + t.name() + "].roles: give the roles this token holds"
                + " (hr-source, steward, operator, auditor, admin, pep, receiver; see docs/security.md)");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : given) {
            roles.add(Role.fromWire(r).orElseThrow(() -> new IllegalStateException("roster.api.tokens[" + t.name()
                + "].roles: '" + r + "' is not a role (hr-source, steward, operator, auditor, admin, pep, receiver)")));
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
