package org.roster.config;

import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when the configuration file ({@code ROSTER_CONFIG}) holds a secret in clear
 * text. A key that names a password, secret or token must be a {@code ${ENV_VAR}} reference, so
 * the file can be versioned and shared without leaking credentials.
 */
@Component
class SecretsAreReferences implements InitializingBean {

    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|token|credential)[^.]*$");

    private final ConfigurableEnvironment environment;

    SecretsAreReferences(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        String file = environment.getProperty("ROSTER_CONFIG");
        if (file == null || file.isBlank()) {
            return;
        }
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || !source.getName().contains(file)) {
                continue;
            }
            for (String key : enumerable.getPropertyNames()) {
                Object raw = enumerable.getProperty(key);
                String value = raw == null ? "" : raw.toString();
                if (SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches() && !value.isEmpty()
                    && !value.trim().startsWith("${")) {
                    throw new IllegalStateException(key + " in " + file
                        + " is a secret in clear text: write it as a ${ENV_VAR} reference and set the variable");
                }
            }
        }
    }
}
