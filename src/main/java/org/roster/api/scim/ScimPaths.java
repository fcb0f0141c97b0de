package org.roster.api.scim;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * SCIM endpoints as clients spell them: Entra calls {@code /scim/v2/users}, others add a trailing
 * slash. Before anything else sees the request (security included), its path is made the one
 * Roster serves: the endpoint names in their RFC spelling, no trailing slash.
 */
@Configuration(proxyBeanMethods = false)
class ScimPaths {

    private static final Map<String, String> ENDPOINTS = Map.of(
        "users", "Users", "groups", "Groups", "bulk", "Bulk", "schemas", "Schemas", "resourcetypes", "ResourceTypes",
        "serviceproviderconfig", "ServiceProviderConfig", "me", "Me");

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> scimPathFilter() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String uri = request.getRequestURI();
                String canonical = canonical(uri.substring(request.getContextPath().length()));
                if (canonical == null) {
                    chain.doFilter(request, response);
                    return;
                }
                String path = request.getContextPath() + canonical;
                chain.doFilter(new HttpServletRequestWrapper(request) {
                    @Override
                    public String getRequestURI() {
                        return path;
                    }

                    @Override
                    public StringBuffer getRequestURL() {
                        StringBuffer url = new StringBuffer(request.getRequestURL());
                        url.setLength(url.length() - uri.length());
                        return url.append(path);
                    }

                    @Override
                    public String getServletPath() {
                        return canonical;
                    }
                }, response);
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** The path Roster serves for a SCIM path spelled otherwise; null when it is already that, or not SCIM. */
    static String canonical(String path) {
        if (!path.regionMatches(true, 0, "/scim/v2", 0, 8) || (path.length() > 8 && path.charAt(8) != '/')) {
            return null;
        }
        String rest = path.substring(8);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        StringBuilder out = new StringBuilder("/scim/v2");
        String[] segments = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            String known = i == 0 ? ENDPOINTS.get(s.toLowerCase(Locale.ROOT)) : null;
            out.append('/').append(known != null ? known : i == 1 && s.equalsIgnoreCase(".search") ? ".search" : s);
        }
        String result = out.toString();
        return result.equals(path) ? null : result;
    }
}
