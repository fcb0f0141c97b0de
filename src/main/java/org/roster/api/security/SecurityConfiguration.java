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

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, org.roster.api.ApiSettings settings,
                            io.micrometer.core.instrument.MeterRegistry meters, java.time.Clock clock,
                            SignInSettings signIn, Principals principals) throws Exception {
        ErrorResponses errors = new ErrorResponses();
        http.csrf(c -> c.requireCsrfProtectionMatcher(request ->
                // only requests a browser could be made to send with the person's session cookie
                !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD")
                    || request.getMethod().equals("OPTIONS"))
                    && request.getHeader("Authorization") == null
                    && request.getRequestedSessionId() != null))
            .httpBasic(b -> b.disable())
            .formLogin(f -> f.disable())
            .requestCache(r -> r.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(signIn.enabled() ? SessionCreationPolicy.IF_REQUIRED
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
        if (signIn.enabled()) {
            OidcSignIn oidc = new OidcSignIn(signIn, principals, tokens);
            http.oauth2Login(o -> o.clientRegistrationRepository(oidc.registrations())
                    .userInfoEndpoint(u -> u.oidcUserService(oidc.users()))
                    .defaultSuccessUrl("/api/v1/me", true)
                    .failureHandler((request, response, e) -> ErrorResponses.write(request, response,
                        HttpStatus.FORBIDDEN, "sign-in refused: " + e.getMessage())))
                .logout(l -> l.logoutUrl("/logout")
                    .logoutSuccessHandler((request, response, auth) -> response.setStatus(HttpServletResponse.SC_NO_CONTENT)))
                .addFilterBefore(new SessionPrincipalFilter(principals), BearerTokenFilter.class);
        } else {
            http.logout(l -> l.disable());
        }
        return http.build();
    }
}
