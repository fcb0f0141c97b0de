package org.roster.api.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Every endpoint needs a bearer token except the liveness/readiness health check. Stateless: no
 * session, no cookie, so no CSRF surface.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, org.roster.api.ApiSettings settings,
                            io.micrometer.core.instrument.MeterRegistry meters, java.time.Clock clock) throws Exception {
        ErrorResponses errors = new ErrorResponses();
        http.csrf(c -> c.disable())
            .httpBasic(b -> b.disable())
            .formLogin(f -> f.disable())
            .logout(l -> l.disable())
            .requestCache(r -> r.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(a -> {
                // One rule per endpoint, in RouteRules; what no rule names is refused to everyone.
                for (RouteRules.Rule rule : RouteRules.all()) {
                    var matcher = rule.method() == null ? a.requestMatchers(rule.pattern())
                        : a.requestMatchers(rule.method(), rule.pattern());
                    if (rule.open()) {
                        matcher.permitAll();
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
        return http.build();
    }
}
