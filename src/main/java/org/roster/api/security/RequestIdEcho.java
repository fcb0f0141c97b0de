package org.roster.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The AuthZEN API echoes a caller's {@code X-Request-ID} on every answer, errors and refusals
 * included (set before anything else runs). A value that is not 1 to 200 visible ASCII characters
 * is not echoed, so it cannot split or forge headers.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdEcho extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/access/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        String id = request.getHeader("X-Request-ID");
        if (id != null && id.matches("[\\x21-\\x7e]{1,200}")) {
            response.setHeader("X-Request-ID", id);
        }
        chain.doFilter(request, response);
    }
}
