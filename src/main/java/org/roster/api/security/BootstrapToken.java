package org.roster.api.security;

import org.roster.principals.ApiTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Registers {@code ROSTER_BOOTSTRAP_TOKEN} as a full-rights API token at start-up, before the
 * server accepts requests, so that scripts and test suites can drive a fresh instance.
 */
@Component
class BootstrapToken implements InitializingBean {

    static final String VARIABLE = "ROSTER_BOOTSTRAP_TOKEN";
    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);

    private final ApiTokens tokens;
    private final Environment environment;
    private final org.roster.api.ApiSettings settings;

    BootstrapToken(ApiTokens tokens, Environment environment, org.roster.api.ApiSettings settings) {
        this.tokens = tokens;
        this.environment = environment;
        this.settings = settings;
    }

    /**
     * The tokens that work are the ones given now: a rotated {@code ROSTER_BOOTSTRAP_TOKEN} or a
     * changed {@code roster.api.tokens} entry replaces the old value, and one no longer given is
     * revoked, at every start.
     */
    @Override
    public void afterPropertiesSet() {
        java.util.Map<String, String> configured = new java.util.LinkedHashMap<>();
        for (org.roster.api.ApiSettings.NamedToken named : settings.tokens()) {
            if (named.name() == null || named.name().isBlank() || named.token() == null) {
                throw new IllegalStateException("roster.api.tokens: every token needs a name and a token");
            }
            TokenRoles.parse(named);
            if (named.name().equals("bootstrap") || configured.put(named.name(), named.token().trim()) != null) {
                throw new IllegalStateException("roster.api.tokens[" + named.name() + "]: the name is used twice"
                    + " (or is 'bootstrap', which is ROSTER_BOOTSTRAP_TOKEN's)");
            }
        }
        String token = environment.getProperty(VARIABLE);
        java.util.Map<String, String> bootstrap = token == null || token.isBlank() ? java.util.Map.of()
            : java.util.Map.of("bootstrap", token.trim());
        int revoked;
        try {
            revoked = tokens.replace("config", configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("roster.api.tokens: " + e.getMessage(), e);
        }
        try {
            revoked += tokens.replace("bootstrap", bootstrap);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(VARIABLE + ": " + e.getMessage(), e);
        }
        if (revoked > 0) {
            log.info("{} API token(s) no longer configured were revoked", revoked);
        }
        if (bootstrap.isEmpty()) {
            log.warn("{} is not set: no bootstrap API token exists{}", VARIABLE,
                configured.isEmpty() ? ", and the API answers 401 to every call" : "");
            return;
        }
        log.info("{} registered as API token 'bootstrap'", VARIABLE);
    }
}
