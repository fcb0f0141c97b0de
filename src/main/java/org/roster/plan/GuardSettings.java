package org.roster.plan;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.plan.guard}: the brake on mass disables. Within {@code window}, the disables one
 * source causes on one target are counted; a plan that would go above the limit is held, with
 * everything after it from that source on that target, until an admin approves or rejects the
 * held set. The limit is {@code max-percent} of the target's accounts, but never below
 * {@code min-count} (a small target's single leaver is never held) nor above {@code max-count}.
 * Defaults are in the range of Entra's accidental-deletion prevention (500) and Okta's import
 * safeguard (20 %).
 *
 * @param sources per HR source name ({@code scim}, a snapshot source, {@code schedule},
 *     {@code policy}...), overriding the defaults
 * @param targets per target, overriding the defaults. A source or target with a limit of its own
 *     is judged by it alone; when both the source and the target have one, the lower applies; when
 *     neither has, the defaults do
 */
@ConfigurationProperties("roster.plan.guard")
public record GuardSettings(@Nullable Boolean enabled, @Nullable Duration window, @Nullable Integer maxCount,
                            @Nullable Double maxPercent, @Nullable Integer minCount,
                            @Nullable Map<String, Limit> sources, @Nullable Map<String, Limit> targets) {

    public GuardSettings {
        enabled = enabled == null || enabled;
        window = window == null ? Duration.ofHours(1) : window;
        maxCount = maxCount == null ? 500 : maxCount;
        maxPercent = maxPercent == null ? 20.0 : maxPercent;
        minCount = minCount == null ? 10 : minCount;
        sources = sources == null ? Map.of() : Map.copyOf(sources);
        targets = targets == null ? Map.of() : Map.copyOf(targets);
        if (maxCount < 1 || minCount < 0 || maxPercent <= 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("roster.plan.guard: max-count must be at least 1, min-count at least 0,"
                + " max-percent and window positive");
        }
    }

    /** A limit for one source or target; what is left out comes from the defaults. */
    public record Limit(@Nullable Integer maxCount, @Nullable Double maxPercent, @Nullable Integer minCount) {
    }

    /** How many disables a source may cause on a target within the window. */
    public long limit(String source, String target, long population) {
        Limit s = sources.get(source);
        Limit t = targets.get(target);
        if (s != null && t != null) {
            return Math.min(limit(s, population), limit(t, population));
        }
        return limit(s != null ? s : t, population);
    }

    private long limit(@Nullable Limit l, long population) {
        int max = l != null && l.maxCount() != null ? l.maxCount() : maxCount;
        double percent = l != null && l.maxPercent() != null ? l.maxPercent() : maxPercent;
        int min = l != null && l.minCount() != null ? l.minCount() : minCount;
        long byPercent = (long) Math.floor(population * percent / 100.0);
        return Math.min(max, Math.max(min, byPercent));
    }
}
