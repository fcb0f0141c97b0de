package org.roster.principals;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Someone acting on Roster, as known at this request.
 *
 * @param name recorded as actor, requester and approver
 * @param kind a person who signed in, or an API token
 * @param roles what they may do by role
 * @param identity the employee number of their HR record, when linked (people only)
 * @param email where notifications for them go, when known
 */
public record Principal(String name, Kind kind, Set<Role> roles, @Nullable String identity, @Nullable String email) {

    public enum Kind { PERSON, TOKEN }

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role) || roles.contains(Role.ADMIN);
    }

    /** An API token, which is not a person and has no HR identity. */
    public static Principal token(String name, Set<Role> roles) {
        return new Principal(name, Kind.TOKEN, roles, null, null);
    }
}
