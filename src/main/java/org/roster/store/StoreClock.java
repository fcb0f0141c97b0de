package org.roster.store;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The store's clock. What instances hold in the store for a time (leases, partition claims, exclusive
 * runs) is stamped and compared by it, so that instances whose own clocks disagree still agree on
 * when a hold ran out: measured by its own clock, an instance whose clock ran ahead of the holder's by
 * more than two thirds of a time to live (a machine whose clock sync failed) would see the holder's
 * leases run out at every renewal and take them, both instances running the loop until the holder's
 * next renewal failed.
 */
public final class StoreClock {

    private StoreClock() {
    }

    /** The store's time now: one statement. */
    public static Instant now(JdbcClient jdbc) {
        return jdbc.sql("select current_timestamp").query(Timestamp.class).single().toInstant();
    }
}
