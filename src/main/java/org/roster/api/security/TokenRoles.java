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
    private final ApiTokens tokens;

    TokenRoles(ApiSettings settings, ApiTokens tokens) {
        this.tokens = tokens;
        for (ApiSettings.NamedToken t : settings.tokens()) {
            byName.put(t.name(), parse(t));
            if (t.sources() != null && !t.sources().isEmpty()) {
                sources.put(t.name(), List.copyOf(t.sources()));
            }
        }
    }

    /** The authorities a token holds: its roles, and the HR sources it may push to. */
    List<String> authorities(String name) {
        List<String> out = new java.util.ArrayList<>();
        var issued = byName.containsKey(name) || name.equals("bootstrap") ? java.util.Optional.<ApiTokens.Issued>empty()
            : tokens.issued(name);
        if (issued.isPresent()) {
            // made through the API: its roles and sources are stored with it
            issued.get().roles().forEach(r -> Role.fromWire(r).ifPresent(role -> out.add("ROLE_" + role.name())));
            if (issued.get().sources() == null) {
                out.add(SourceRights.ANY);
            } else {
                issued.get().sources().forEach(s -> out.add(SourceRights.PREFIX + s));
            }
            return out;
        }
        of(name).forEach(r -> out.add("ROLE_" + r.name()));
        List<String> own = sources.get(name);
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
