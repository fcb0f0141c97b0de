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

    BootstrapToken(ApiTokens tokens, Environment environment) {
        this.tokens = tokens;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
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
