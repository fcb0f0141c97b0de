package org.roster.api.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who made this request, as Roster knows them now: a token's holder or a signed-in person, with
 * their roles as authorities ({@code ROLE_OPERATOR}), {@code ROLE_PRINCIPAL} for anyone
 * authenticated (relationship rights need no role), and the HR sources they may push to.
 */
public final class RosterAuthentication extends AbstractAuthenticationToken {

    /** Held by every authenticated principal: the rule for what relationship rights decide. */
    static final String PRINCIPAL = "PRINCIPAL";

    private final Principal principal;

    RosterAuthentication(Principal principal, Collection<String> sourceAuthorities) {
        super(authorities(principal, sourceAuthorities));
        this.principal = principal;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Principal principal, Collection<String> sources) {
        List<GrantedAuthority> out = new ArrayList<>();
        out.add(new SimpleGrantedAuthority("ROLE_" + PRINCIPAL));
        for (Role r : principal.roles()) {
            out.add(new SimpleGrantedAuthority("ROLE_" + r.name()));
        }
        sources.forEach(s -> out.add(new SimpleGrantedAuthority(s)));
        return out;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.name();
    }

    /** The principal of the request being handled. */
    public static Principal current() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof RosterAuthentication r) {
            return r.principal;
        }
        throw new IllegalStateException("no Roster principal on this request");
    }
}
