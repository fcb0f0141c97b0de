package org.roster.runtime;

import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.cluster}: several Roster instances over one PostgreSQL.
 *
 * @param enabled off (the default): one instance, every background loop runs here. On: each loop
 *     (a target's dispatch, the effective-date scheduler, expiry, checkpoint signing, reconciliation
 *     schedules, deliveries...) runs on one instance at a time, the one holding its lease in the store
 * @param instanceId this instance's name in the leases (a random one when not given; give a stable
 *     one, so that a restarted instance takes its leases back at once)
 * @param leaseTtl how long a lease lasts unless renewed (30 s): how soon another instance takes over
 *     the loops of one that stopped without a word; renewed at a third of it
 */
@ConfigurationProperties("roster.cluster")
public record ClusterSettings(boolean enabled, @Nullable String instanceId, @Nullable Duration leaseTtl) {

    public ClusterSettings {
        instanceId = instanceId == null || instanceId.isBlank() ? "roster-" + UUID.randomUUID() : instanceId;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(30) : leaseTtl;
        if (instanceId.length() > 200) {
            throw new IllegalStateException("roster.cluster.instance-id: at most 200 characters");
        }
        if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("roster.cluster.lease-ttl: at least 1s");
        }
    }
}
