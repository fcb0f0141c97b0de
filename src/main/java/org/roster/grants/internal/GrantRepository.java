package org.roster.grants.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.grants.AccessGrant;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code access_grant}. */
@Repository
public class GrantRepository {

    private final JdbcClient jdbc;

    public GrantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link TransactionBatch} knows of: an identity with any grant, by identity key. */
    private static final String HAS_GRANTS = "access_grant.identity_key";

    /**
     * Reads, in one query, which of these identities have any grant, so that {@link #forIdentity}
     * answers for the others without a query in this transaction.
     */
    public void prefetchIdentities(java.util.Collection<String> identities) {
        TransactionBatch.prefetch(jdbc, HAS_GRANTS,
            "select distinct identity_key from access_grant where identity_key in (:keys)", identities);
    }

    public void insert(AccessGrant g, @Nullable String correlationId) {
        TransactionBatch.forget(HAS_GRANTS, g.identity());
        jdbc.sql("""
                insert into access_grant (id, kind, identity_key, target, entitlement, reason, owner, status, requested_by,
                    requested_at, decided_by, decided_at, duration_s, due_at, ended_at, note, correlation_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(g.id(), g.kind().name(), g.identity(), g.target(), g.entitlement(), g.reason(), g.owner(),
                g.status().name(), g.requestedBy(), Timestamp.from(g.requestedAt()), g.decidedBy(), ts(g.decidedAt()),
                g.duration() == null ? null : g.duration().toSeconds(), ts(g.dueAt()), ts(g.endedAt()), g.note(),
                correlationId)
            .update();
    }

    /** Moves a grant from one status to another; false when it was not in that status any more. */
    public boolean transition(String id, AccessGrant.Status from, AccessGrant.Status to, @Nullable String by,
                              Instant at, @Nullable Instant dueAt, @Nullable String note) {
        boolean ends = to != AccessGrant.Status.ACTIVE && to != AccessGrant.Status.OPEN;
        Timestamp ended = ends ? Timestamp.from(at) : null;
        if (by == null) {
            return jdbc.sql("""
                    update access_grant set status = ?, due_at = ?, ended_at = ?, note = coalesce(?, note)
                    where id = ? and status = ?""")
                .params(to.name(), ts(dueAt), ended, note, id, from.name()).update() == 1;
        }
        return jdbc.sql("""
                update access_grant set status = ?, decided_by = ?, decided_at = ?, due_at = ?, ended_at = ?,
                    note = coalesce(?, note)
                where id = ? and status = ?""")
            .params(to.name(), by, Timestamp.from(at), ts(dueAt), ended, note, id, from.name()).update() == 1;
    }

    public Optional<AccessGrant> find(String id) {
        return jdbc.sql("select * from access_grant where id = ?").param(id).query(GrantRepository::map).optional();
    }

    /** Grants of an identity in one of these statuses. */
    public List<AccessGrant> forIdentity(String identity, List<AccessGrant.Status> statuses) {
        if (TransactionBatch.absent(HAS_GRANTS, identity)) {
            return List.of();
        }
        return jdbc.sql("select * from access_grant where identity_key = :identity and status in (:statuses)"
                + " order by requested_at, id")
            .param("identity", identity).param("statuses", statuses.stream().map(Enum::name).toList())
            .query(GrantRepository::map).list();
    }

    /** The one open or active grant of a kind for an identity's entitlement, if any. */
    public Optional<AccessGrant> current(AccessGrant.Kind kind, String identity, String target, String entitlement) {
        return jdbc.sql("""
                select * from access_grant where kind = ? and identity_key = ? and target = ? and entitlement = ?
                  and status in ('REQUESTED', 'OPEN', 'ACTIVE') order by requested_at limit 1""")
            .params(kind.name(), identity, target, entitlement).query(GrantRepository::map).optional();
    }

    public List<AccessGrant> list(List<AccessGrant.Kind> kinds, AccessGrant.@Nullable Status status,
                                  @Nullable String owner, @Nullable String identity, int offset, int limit) {
        return list(kinds, status, owner, identity, null, offset, limit);
    }

    /** The same list, after a position ({@code org.roster.store.Keyset}) when it is given. */
    public List<AccessGrant> list(List<AccessGrant.Kind> kinds, AccessGrant.@Nullable Status status,
                                  @Nullable String owner, @Nullable String identity, org.roster.store.Keyset.@Nullable Position after, int offset,
                                  int limit) {
        StringBuilder sql = new StringBuilder("select * from access_grant where kind in (:kinds)");
        if (status != null) {
            sql.append(" and status = :status");
        }
        if (owner != null) {
            sql.append(" and owner = :owner");
        }
        if (identity != null) {
            sql.append(" and identity_key = :identity");
        }
        if (after != null) {
            sql.append(org.roster.store.Keyset.after("", "requested_at", true));
        }
        sql.append(" order by requested_at desc, id limit :limit offset :offset");
        var spec = jdbc.sql(sql.toString()).param("kinds", kinds.stream().map(Enum::name).toList())
            .param("limit", limit).param("offset", offset);
        if (after != null) {
            spec = spec.param("afterAt", after.timestamp()).param("afterId", after.id());
        }
        if (status != null) {
            spec = spec.param("status", status.name());
        }
        if (owner != null) {
            spec = spec.param("owner", owner);
        }
        if (identity != null) {
            spec = spec.param("identity", identity);
        }
        return spec.query(GrantRepository::map).list();
    }

    /**
     * Up to {@code limit} live grants (active ones, open reviews) due by {@code now}, in (due, id) order,
     * after {@code after} (null: from the first): a pass walks each once, whether or not those before it
     * could be ended.
     */
    public List<AccessGrant> due(Instant now, @Nullable AccessGrant after, int limit) {
        return org.roster.store.DuePages.after(jdbc,
            "select * from access_grant where status in ('ACTIVE', 'OPEN') and due_at <= :now", "due_at", "id", now,
            after == null ? null : after.dueAt(), after == null ? null : after.id(), limit, GrantRepository::map);
    }

    /** The earliest live grant due after {@code now}, if any. */
    public Optional<Instant> nextDueAfter(Instant now) {
        return jdbc.sql("select min(due_at) from access_grant where status in ('ACTIVE', 'OPEN') and due_at > ?")
            .param(Timestamp.from(now)).query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    public Optional<String> correlation(String id) {
        return jdbc.sql("select correlation_id from access_grant where id = ?").param(id).query(String.class).optional();
    }

    private static @Nullable Timestamp ts(@Nullable Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static AccessGrant map(ResultSet rs, int row) throws SQLException {
        long seconds = rs.getLong("duration_s");
        Duration duration = rs.wasNull() ? null : Duration.ofSeconds(seconds);
        return new AccessGrant(rs.getString("id"), AccessGrant.Kind.valueOf(rs.getString("kind")),
            rs.getString("identity_key"), rs.getString("target"), rs.getString("entitlement"), rs.getString("reason"),
            rs.getString("owner"), AccessGrant.Status.valueOf(rs.getString("status")), rs.getString("requested_by"),
            rs.getTimestamp("requested_at").toInstant(), rs.getString("decided_by"), instant(rs.getTimestamp("decided_at")),
            duration, instant(rs.getTimestamp("due_at")), instant(rs.getTimestamp("ended_at")), rs.getString("note"));
    }
}
