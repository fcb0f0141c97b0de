package org.roster.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.stereotype.Service;

/**
 * Holds the running {@link Policy}. It is compiled at start-up (a policy that does not validate
 * stops start-up with its origin, rule and reason) and can be replaced while Roster runs by
 * {@link #load()}: a replacement that does not validate is refused and the running policy stays.
 */
@Service
public final class PolicyEngine {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PolicyEngine.class);

    private final PolicySettings settings;
    private final AtomicReference<Policy> current = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

    public PolicyEngine(PolicySettings settings) {
        this.settings = settings;
        current.set(load());
    }

    /** The running policy. Read it once per decision, so that a decision uses one version throughout. */
    public Policy current() {
        return current.get();
    }

    /**
     * Reads and compiles the policy from where it is configured (the policy file, or the inline
     * {@code roster.policy} settings), without installing it.
     *
     * @throws PolicyException naming the file, the rule and the reason
     */
    /** Whether the policy comes from a file ({@code roster.policy.file}), which a reload reads again. */
    public boolean hasFile() {
        return settings.file() != null && !settings.file().isBlank();
    }

    public Policy load() {
        if (settings.file() == null || settings.file().isBlank()) {
            return Policy.compile(settings, "roster.policy");
        }
        if (!settings.isEmpty() && warned.compareAndSet(false, true)) {
            log.warn("roster.policy.file is set: the policy is read from {}; the inline roster.policy rules,"
                + " catalogue and segregation-of-duties (the built-in demo policy, if you did not set them) are ignored",
                settings.file());
        }
        return Policy.compile(read(Path.of(settings.file())), settings.file());
    }

    /** Compiles a policy given as YAML text (a proposed policy, for preview), without installing it. */
    public static Policy parse(String yaml, String origin) {
        return Policy.compile(bind(yaml, origin), origin);
    }

    /**
     * Makes a compiled policy the running one.
     *
     * @return the policy it replaced
     */
    public Policy install(Policy policy) {
        return current.getAndSet(policy);
    }

    /** Evaluates the running policy: see {@link Policy#evaluate}. */
    public PolicyDecision evaluate(Map<String, Object> worker, String state) {
        return current().evaluate(worker, state);
    }

    public String version() {
        return current().version();
    }

    private static PolicySettings read(Path file) {
        try {
            return bind(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The largest policy document read (a policy of thousands of rules is a few hundred KB). */
    public static final int MAX_POLICY_CHARS = 1_048_576;
    /** Anchors a policy may refer back to: enough to share a list of conditions, too few to multiply a document. */
    public static final int MAX_ALIASES = 20;

    /**
     * Reads a YAML document with limits, before Spring's loader (which allows any number of aliases)
     * sees it: a 1 KB "billion laughs" of nested aliases would otherwise expand to gigabytes.
     */
    private static void checkLimits(String yaml, String origin) {
        if (yaml.length() > MAX_POLICY_CHARS) {
            throw new PolicyException(origin + ": is " + yaml.length() + " characters; a policy is at most "
                + MAX_POLICY_CHARS);
        }
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(32);
        options.setCodePointLimit(MAX_POLICY_CHARS * 4);
        try {
            for (Object ignored : new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options))
                    .loadAll(yaml)) {
                // each document is built under the limits
            }
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            String message = String.valueOf(e.getMessage());
            throw new PolicyException(origin + ": " + (message.contains("aliases") || message.contains("alias")
                ? "uses more than " + MAX_ALIASES + " aliases (anchors referred back to)"
                : message.contains("Nesting Depth") ? "is nested deeper than 32 levels"
                : "is not YAML: " + message.lines().findFirst().orElse(message)), e);
        }
    }

    private static PolicySettings bind(String yaml, String origin) {
        checkLimits(yaml, origin);
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(origin,
                new org.springframework.core.io.ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    origin));
            StandardEnvironment env = new StandardEnvironment();
            env.getPropertySources().forEach(s -> env.getPropertySources().remove(s.getName()));
            sources.forEach(s -> env.getPropertySources().addLast(s));
            // A policy file has the keys of roster.policy at its top level.
            @Nullable PolicySettings bound = new Binder(ConfigurationPropertySources.get(env))
                .bindOrCreate("", Bindable.of(PolicySettings.class));
            return bound;
        } catch (IOException e) {
            throw new PolicyException(origin + ": is not YAML: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new PolicyException(origin + ": " + root.getMessage(), e);
        }
    }

}
