package org.roster.store;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Which store a repository talks to, for the few statements whose best form differs: PostgreSQL
 * plans a set-based statement well where H2 scans (and the other way round). Asked once, then
 * remembered.
 */
public final class StoreKind {

    private final JdbcOperations jdbc;
    private volatile @Nullable Boolean postgres;

    public StoreKind(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    public boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            known = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) c -> c.isWrapperFor(PGConnection.class)));
            postgres = known;
        }
        return known;
    }
}
