package org.roster.demo;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The quick start's HR sources, so that a newcomer can try a file import and a webhook without
 * writing configuration: a snapshot source {@code hr} and a webhook source {@code workday} whose
 * secret is made at random for this start (and printed, with a signed example, by
 * {@link DemoData}). Only on the embedded defaults: never with a configuration file
 * ({@code ROSTER_CONFIG}), with {@code roster.demo.enabled=false}, or when sources are configured.
 */
public final class DemoSources implements EnvironmentPostProcessor {

    static final String SECRET = "roster.demo.webhook-secret";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String config = environment.getProperty("ROSTER_CONFIG");
        if ((config != null && !config.isBlank()) || "false".equalsIgnoreCase(environment.getProperty("roster.demo.enabled"))
            || environment.containsProperty("roster.hr.sources[0].name")) {
            return;
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("roster.hr.sources[0].name", "hr");
        demo.put("roster.hr.sources[0].type", "snapshot");
        demo.put("roster.hr.sources[1].name", "workday");
        demo.put("roster.hr.sources[1].type", "webhook");
        demo.put("roster.hr.sources[1].secret", Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        demo.put(SECRET, demo.get("roster.hr.sources[1].secret"));
        // the quick start's console: a local admin with a one-time password printed at start
        demo.put("roster.console.local-admin", "true");
        environment.getPropertySources().addLast(new MapPropertySource("roster-demo-sources", demo));
    }
}
