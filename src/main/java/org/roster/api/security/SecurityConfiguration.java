package org.roster.api.security;

import org.roster.principals.ApiTokens;
import jakarta.servlet.http.HttpServletResponse;
import org.roster.principals.Principals;
import org.roster.principals.SignInSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * API clients present a bearer token on every request (stateless: no session, no cookie). People
 * sign in with OpenID Connect when {@code roster.sign-in.issuer} is set, and then hold a session
 * cookie (HttpOnly, SameSite=Lax); a state-changing request made with that cookie needs the CSRF
 * token {@code GET /api/v1/me} gives. Bearer requests carry no cookie authority, so no CSRF check.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Ahead of Spring Security's chain (order -100), whose token lookup needs the store. */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<StoreOutageAnswer> storeOutageAnswer() {
        var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new StoreOutageAnswer());
        registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, org.roster.api.ApiSettings settings,
                            io.micrometer.core.instrument.MeterRegistry meters, java.time.Clock clock,
                            SignInSettings signIn, Principals principals, LocalAdmin localAdmin) throws Exception {
        ErrorResponses errors = new ErrorResponses();
        boolean sessions = signIn.enabled() || localAdmin.enabled();
        http.csrf(c -> c.requireCsrfProtectionMatcher(request ->
                // requests a browser could be made to send with the person's session cookie, and sign-in forms
                !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD")
                    || request.getMethod().equals("OPTIONS"))
                    && request.getHeader("Authorization") == null
                    && (request.getRequestedSessionId() != null || request.getRequestURI().equals("/login"))))
            .headers(h -> h
                .frameOptions(f -> f.sameOrigin())
                // the console loads nothing from elsewhere and runs no inline script; the chart library sets
                // style attributes (style-src-attr), never a style sheet; Swagger UI keeps its own page
                .addHeaderWriter(new org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter(
                    // the compliance report's HTML sets its own, stricter one
                    request -> !request.getRequestURI().startsWith("/swagger-ui")
                        && !request.getRequestURI().startsWith("/api/v1/reports/"),
                    new org.springframework.security.web.header.writers.StaticHeadersWriter("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:;"
                            + " connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'self';"
                            + " form-action 'self'; base-uri 'self'")))
                .referrerPolicy(r -> r.policy(
                    org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
            .httpBasic(b -> b.disable())
            .requestCache(r -> r.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(sessions ? SessionCreationPolicy.IF_REQUIRED
                : SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(a -> {
                // One rule per endpoint, in RouteRules; what no rule names is refused to everyone.
                for (RouteRules.Rule rule : RouteRules.all()) {
                    var matcher = rule.method() == null ? a.requestMatchers(rule.pattern())
                        : a.requestMatchers(rule.method(), rule.pattern());
                    if (rule.open()) {
                        matcher.permitAll();
                    } else if (rule.anyPrincipal()) {
                        matcher.hasRole(RosterAuthentication.PRINCIPAL);
                    } else {
                        matcher.hasAnyRole(rule.roles().stream().map(Enum::name).toArray(String[]::new));
                    }
                }
                a.anyRequest().denyAll();
            })
            .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
            .addFilterBefore(new BearerTokenFilter(tokens, new TokenRoles(settings), errors,
                new AuthenticationFailures(settings.maxAuthFailuresPerMinute(), clock), meters, clock),
                AnonymousAuthenticationFilter.class)
            .addFilterBefore(new RequestSizeLimit(settings.maxRequestSize().toBytes(),
                settings.maxSnapshotSize().toBytes()), BearerTokenFilter.class);
        if (localAdmin.enabled()) {
            http.authenticationProvider(localAdmin)
                .formLogin(f -> f.loginPage("/login").loginProcessingUrl("/login").defaultSuccessUrl("/", true)
                    .failureUrl("/login?error"));
        } else {
            http.formLogin(f -> f.disable());
        }
        if (signIn.enabled()) {
            OidcSignIn oidc = new OidcSignIn(signIn, principals, tokens);
            http.oauth2Login(o -> o.clientRegistrationRepository(oidc.registrations())
                .tokenEndpoint(t -> t.accessTokenResponseClient(OidcSignIn.tokenClient(OidcSignIn.PROVIDER_TIMEOUT)))
                .loginPage("/login")
                .userInfoEndpoint(u -> u.oidcUserService(oidc.users()))
                .defaultSuccessUrl("/", true)
                .failureHandler((request, response, e) -> ErrorResponses.write(request, response,
                    HttpStatus.FORBIDDEN, "sign-in refused: " + e.getMessage())));
        }
        if (sessions) {
            http.logout(l -> l.logoutUrl("/logout")
                    .logoutSuccessHandler((request, response, auth) -> {
                        String accept = request.getHeader("Accept");
                        if (accept != null && accept.contains("text/html")) {
                            response.sendRedirect("/login?signed-out");
                        } else {
                            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                        }
                    }))
                .addFilterBefore(new SessionPrincipalFilter(principals), BearerTokenFilter.class);
        } else {
            http.logout(l -> l.disable());
        }
        return http.build();
    }
}
