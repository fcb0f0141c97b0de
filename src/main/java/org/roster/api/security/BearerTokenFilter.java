package org.roster.api.security;

import org.roster.principals.ApiTokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} against {@link ApiTokens}. A request that
 * presents a wrong token is refused here; one that presents none goes on and is refused by the
 * authorization rules, so that open endpoints (health) stay open.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private final ApiTokens tokens;
    private final TokenRoles roles;
    private final AuthenticationEntryPoint entryPoint;
    private final AuthenticationFailures failures;
    private final io.micrometer.core.instrument.Counter failed;
    private final java.time.Clock clock;

    BearerTokenFilter(ApiTokens tokens, TokenRoles roles, AuthenticationEntryPoint entryPoint,
                      AuthenticationFailures failures, io.micrometer.core.instrument.MeterRegistry meters,
                      java.time.Clock clock) {
        this.clock = clock;
        this.tokens = tokens;
        this.roles = roles;
        this.entryPoint = entryPoint;
        this.failures = failures;
        this.failed = meters.counter("roster.auth.failures");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        java.time.Duration wait = failures.retryAfter(address);
        if (!wait.isZero()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds())));
            ErrorResponses.write(request, response, org.springframework.http.HttpStatus.TOO_MANY_REQUESTS,
                "too many failed authentications from this address; retry after " + Math.max(1, wait.toSeconds()) + " s");
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            refuse(request, response, address, "the Authorization header is not a Bearer token");
            return;
        }
        var holder = tokens.authenticate(header.substring(7).trim());
        if (holder.isEmpty()) {
            refuse(request, response, address, "the bearer token is not valid");
            return;
        }
        if (holder.get().expired(clock.instant())) {
            // a real token past its time: not a guess, so not throttled; the holder is told why
            entryPoint.commence(request, response, new BadCredentialsException("the bearer token has expired"));
            return;
        }
        tokens.used(holder.get().id());
        SecurityContextHolder.getContext().setAuthentication(roles.authentication(holder.get()));
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String address, String reason)
            throws IOException, ServletException {
        failed.increment();
        failures.failed(address, reason + " (" + request.getMethod() + " " + request.getRequestURI() + ")");
        entryPoint.commence(request, response, new BadCredentialsException(reason));
    }
}
