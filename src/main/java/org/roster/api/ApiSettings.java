package org.roster.api;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code roster.api}: limits of the HTTP edge.
 *
 * @param maxRequestSize the largest request body accepted (default 10MB); a larger one is refused
 *     with 413 before it is read
 * @param maxSnapshotSize the largest HR snapshot upload (default 2GB); snapshots are streamed, never
 *     held in memory whole
 * @param tokens named API tokens besides the bootstrap one; the name is the principal recorded as
 *     requester, approver and actor (e.g. an exception's approver must be another token's name)
 * @param maxAuthFailuresPerMinute failed bearer authentications one client address may make within a
 *     minute (default 20); past it, the address is refused with 429 until the minute is over
 * @param maxTokenLifetime the longest an API-made token may live (default 365 days); a token made
 *     without {@code expiresAt} lives this long
 * @param tokenRotationOverlap how long a rotated token's old value keeps working (default 24 hours),
 *     so a feed can be given the new one without a gap
 */
@ConfigurationProperties("roster.api")
public record ApiSettings(@Nullable DataSize maxRequestSize, @Nullable DataSize maxSnapshotSize,
                          java.util.@Nullable List<NamedToken> tokens, @Nullable Integer maxAuthFailuresPerMinute,
                          java.time.@Nullable Duration maxTokenLifetime, java.time.@Nullable Duration tokenRotationOverlap) {

    /**
     * A named token; {@code token} is a secret: an {@code ${ENV_VAR}} reference in the file.
     *
     * @param roles what it may do: {@code hr-source}, {@code steward}, {@code operator}, {@code auditor},
     *     {@code admin} (docs/security.md); required
     * @param sources the HR sources it may push to ({@code scim} for SCIM writes, snapshot source
     *     names); none given: any
     */
    public record NamedToken(String name, String token, java.util.@Nullable List<String> roles,
                             java.util.@Nullable List<String> sources) {
    }

    /** Where snapshots are uploaded: the one path with its own, larger limit. */
    public static final String SNAPSHOT_PATH = "/api/v1/hr/snapshots";

    public ApiSettings {
        maxRequestSize = maxRequestSize == null ? DataSize.ofMegabytes(10) : maxRequestSize;
        maxSnapshotSize = maxSnapshotSize == null ? DataSize.ofGigabytes(2) : maxSnapshotSize;
        tokens = tokens == null ? java.util.List.of() : java.util.List.copyOf(tokens);
        maxAuthFailuresPerMinute = maxAuthFailuresPerMinute == null ? 20 : maxAuthFailuresPerMinute;
        maxTokenLifetime = maxTokenLifetime == null ? java.time.Duration.ofDays(365) : maxTokenLifetime;
        tokenRotationOverlap = tokenRotationOverlap == null ? java.time.Duration.ofHours(24) : tokenRotationOverlap;
    }
}
