package org.roster.runtime;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Leases in the store ({@code lease}): which instance runs each background loop, when several share
 * one PostgreSQL. A loop works only while its instance holds the loop's lease; the holder renews it
 * at a third of its time to live, and another instance takes it once it has run out (an instance that
 * stopped without a word), or at once when the holder lets it go on a clean stop. Each taking counts
 * up the lease's {@code fence}, so a record of who ran what can tell holders apart. With
 * {@code roster.cluster.enabled} off every loop runs here and the store is never asked.
 */
@Component
public class Leases {

    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    /**
     * In cluster mode the longest a loop sleeps: a change taken by another instance cannot wake it, so
     * it looks again this often (a target's dispatcher, a scheduler that a new effective date makes due
     * sooner).
     */
    static final long POLL_MILLIS = 500;

    private final JdbcClient jdbc;
    private final ClusterSettings settings;
    private final Clock clock;
    /** Until when each lease held here is known to be ours without asking the store. */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();

    /** Renews the leases held here at a third of their time to live, however long a loop's pass runs. */
    private final java.util.concurrent.ScheduledExecutorService keeper;

    Leases(JdbcClient jdbc, ClusterSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
        this.keeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "roster-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        if (settings.enabled()) {
            long every = Math.max(200, settings.leaseTtl().toMillis() / 3);
            keeper.scheduleWithFixedDelay(this::renewAll, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void renewAll() {
        for (String name : held.keySet()) {
            try {
                if (!take(name)) {
                    held.remove(name);
                    log.warn("lease {} lost to another instance: its loop stops here", name);
                }
            } catch (RuntimeException e) {
                log.warn("lease {} could not be renewed: {}", name, e.getMessage());
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void close() {
        keeper.shutdownNow();
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** How long a loop that does not hold its lease waits before asking again. */
    public long retryMillis() {
        return Math.max(200, settings.leaseTtl().toMillis() / 3);
    }

    /** Whether this instance holds the lease now; when it does not, tries to take it. */
    public boolean holds(String name) {
        if (!settings.enabled() || held.containsKey(name)) {
            return true;
        }
        if (!take(name)) {
            return false;
        }
        held.put(name, clock.instant());
        log.info("lease {} taken by {}", name, settings.instanceId());
        return true;
    }

    /** Takes or renews the lease in the store: true when this instance holds it until now + ttl. */
    private boolean take(String name) {
        Instant now = clock.instant();
        Instant expires = now.plus(settings.leaseTtl());
        int taken = jdbc.sql("""
                update lease set holder = ?, expires_at = ?,
                    fence = case when holder = ? then fence else fence + 1 end
                where name = ? and (holder = ? or expires_at < ?)""")
            .params(settings.instanceId(), Timestamp.from(expires), settings.instanceId(), name, settings.instanceId(),
                Timestamp.from(now)).update();
        if (taken > 0) {
            return true;
        }
        try {
            return jdbc.sql("insert into lease (name, holder, expires_at, fence) values (?, ?, ?, 1)")
                .params(name, settings.instanceId(), Timestamp.from(expires)).update() > 0;
        } catch (DuplicateKeyException e) {
            return false; // another instance holds it
        }
    }

    /** Lets the lease go, on a clean stop: another instance may take it at once. */
    public void release(String name) {
        if (!settings.enabled() || held.remove(name) == null) {
            return;
        }
        jdbc.sql("update lease set expires_at = ? where name = ? and holder = ?")
            .params(Timestamp.from(Instant.EPOCH), name, settings.instanceId()).update();
    }
}
