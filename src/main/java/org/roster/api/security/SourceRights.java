package org.roster.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * An {@code hr-source} token pushes to its own HR sources only: a token configured with
 * {@code sources: [workday]} may upload snapshots for {@code workday} and nothing else; SCIM writes
 * are source {@code scim}. A token without {@code sources} may push to any (the bootstrap token does).
 */
@Configuration(proxyBeanMethods = false)
class SourceRights implements WebMvcConfigurer {

    /** The authority a token holds for each source it may push to; {@code SOURCE_*} for all of them. */
    static final String PREFIX = "SOURCE_";
    static final String ANY = PREFIX + "*";

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                    throws IOException {
                String source = source(request);
                if (source == null || allowed(source)) {
                    return true;
                }
                ErrorResponses.write(request, response, HttpStatus.FORBIDDEN,
                    "this token may push HR data to its own sources only, not to '" + source + "'");
                return false;
            }
        }).addPathPatterns("/scim/v2/Users", "/scim/v2/Users/**", "/scim/v2/Bulk", "/api/v1/hr/snapshots");
    }

    /** The HR source a request writes to, or null for a read. */
    private static String source(HttpServletRequest request) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || request.getRequestURI().endsWith("/.search")) {
            return null;
        }
        if (request.getRequestURI().endsWith("/api/v1/hr/snapshots")) {
            String source = request.getParameter("source");
            return source == null ? "" : source;
        }
        return "scim";
    }

    private static boolean allowed(String source) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(ANY)
            || a.getAuthority().equals(PREFIX + source));
    }
}
