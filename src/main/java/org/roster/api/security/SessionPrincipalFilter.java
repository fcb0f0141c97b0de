package org.roster.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.roster.principals.Principals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A signed-in person's session is checked against HR on every request: their roles are those they
 * hold now (an admin's change applies at once), and a person HR says has left (or is on leave)
 * loses the session at that request, with a 401 that says why.
 */
final class SessionPrincipalFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(SessionPrincipalFilter.class);
    private final Principals principals;

    SessionPrincipalFilter(Principals principals) {
        this.principals = principals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var context = SecurityContextHolder.getContext();
        if (context.getAuthentication() instanceof org.springframework.security.authentication.UsernamePasswordAuthenticationToken local
            && local.getAuthorities().stream().anyMatch(a -> LocalAdmin.AUTHORITY.equals(a.getAuthority()))) {
            var updated = SecurityContextHolder.createEmptyContext();
            updated.setAuthentication(new RosterAuthentication(new org.roster.principals.Principal(LocalAdmin.NAME,
                org.roster.principals.Principal.Kind.PERSON, java.util.EnumSet.allOf(org.roster.principals.Role.class),
                null, null), List.of(SourceRights.ANY)));
            SecurityContextHolder.setContext(updated);
        } else if (context.getAuthentication() instanceof OAuth2AuthenticationToken signedIn) {
            var now = principals.current(signedIn.getName());
            if (now.isEmpty()) {
                log.info("The session of {} ended: HR says they no longer work here", signedIn.getName());
                var session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                SecurityContextHolder.clearContext();
                ErrorResponses.write(request, response, HttpStatus.UNAUTHORIZED,
                    "your session has ended: your HR record says you are not working now");
                return;
            }
            // this request only; the session keeps the sign-in, never a copy of rights that could go stale
            var updated = SecurityContextHolder.createEmptyContext();
            updated.setAuthentication(new RosterAuthentication(now.get(), List.of(SourceRights.ANY)));
            SecurityContextHolder.setContext(updated);
        }
        chain.doFilter(request, response);
    }
}
