package org.roster.config;

import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when the configuration file ({@code ROSTER_CONFIG}) holds a secret in clear
 * text, or a {@code roster.*} section Roster does not have (a misspelling that would be ignored). A key that names a password, secret or token must be a {@code ${ENV_VAR}} reference, so
 * the file can be versioned and shared without leaking credentials.
 */
@Component
class SecretsAreReferences implements org.springframework.beans.factory.config.BeanFactoryPostProcessor,
        org.springframework.context.EnvironmentAware {

    /** A key naming a secret in its last part, or a Kafka client's SASL login (it holds the password). */
    private static final Pattern SECRET_KEY =
        Pattern.compile(".*(password|secret|token|credential|chat-url)[^.]*$|.*\\.sasl\\.jaas\\.config$");

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(org.springframework.core.env.Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    /** Before any bean is made: a clear-text secret is refused before a connection is tried with it. */
    @Override
    public void postProcessBeanFactory(org.springframework.beans.factory.config.ConfigurableListableBeanFactory factory) {
        check();
    }

    /** The sections of roster.* a configuration file may hold (docs/configuration.md). */
    private static final java.util.Set<String> SECTIONS = new java.util.TreeSet<>(java.util.List.of("store", "hr", "api",
        "provisioning", "lifecycle", "sponsorship", "policy", "grants", "plan", "reconcile", "audit", "demo", "sign-in",
        "work", "notifications", "nhi", "console", "certification", "authzen", "ssf", "events", "cluster"));

    /** A misspelled section ({@code roster.provisoning}) would be ignored silently, and the file would not mean what it says. */
    private static void checkSection(String key, String file) {
        if (!key.startsWith("roster.")) {
            return;
        }
        String section = key.substring("roster.".length()).split("[.\\[]", 2)[0];
        if (!SECTIONS.contains(section)) {
            throw new IllegalStateException(key + " in " + file + ": 'roster." + section + "' is not a section Roster"
                + " reads (it has " + String.join(", ", SECTIONS) + "); see docs/configuration.md");
        }
    }

    void check() {
        String file = environment.getProperty("ROSTER_CONFIG");
        if (file == null || file.isBlank()) {
            return;
        }
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || !source.getName().contains(file)) {
                continue;
            }
            for (String key : enumerable.getPropertyNames()) {
                checkSection(key, file);
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
