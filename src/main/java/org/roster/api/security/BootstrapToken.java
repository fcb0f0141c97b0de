package org.roster.api.security;

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

    @Override
    public void afterPropertiesSet() {
        for (org.roster.api.ApiSettings.NamedToken named : settings.tokens()) {
            if (named.name() == null || named.name().isBlank() || named.token() == null) {
                throw new IllegalStateException("roster.api.tokens: every token needs a name and a token");
            }
            try {
                tokens.register(named.name(), named.token().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("roster.api.tokens[" + named.name() + "]: " + e.getMessage(), e);
            }
        }
        String token = environment.getProperty(VARIABLE);
        if (token == null || token.isBlank()) {
            log.warn("{} is not set: no API token was created, and the API answers 401 to every call", VARIABLE);
            return;
        }
        try {
            tokens.register("bootstrap", token.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(VARIABLE + ": " + e.getMessage(), e);
        }
        log.info("{} registered as API token 'bootstrap'", VARIABLE);
    }
}
