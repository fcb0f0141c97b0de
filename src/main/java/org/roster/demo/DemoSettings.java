package org.roster.demo;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.demo}: the quick start's demo data.
 *
 * @param enabled load demo workers into an empty store (default true in the embedded defaults);
 *     never happens when {@code ROSTER_CONFIG} names a configuration file
 * @param workers where the demo workers are (SCIM Users, a JSON array)
 */
@ConfigurationProperties("roster.demo")
public record DemoSettings(boolean enabled, @Nullable String workers) {

    public DemoSettings {
        workers = workers == null ? "classpath:demo/workers.json" : workers;
    }
}
