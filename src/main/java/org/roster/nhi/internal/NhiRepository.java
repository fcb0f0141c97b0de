package org.roster.nhi.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.nhi.Nhi;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The inventory of non-human identities. */
@Repository
public class NhiRepository {

    private final JdbcClient jdbc;

    public NhiRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link TransactionBatch} knows of: a person who owns live NHIs. */
    private static final String OWNER = "nhi.owner";

    /**
     * Reads, in one query, which of these people own live NHIs, so that {@link #ownedBy} answers for
     * the others without a statement in this transaction (a batch of HR changes, most of whose
     * workers own none).
     */
    public void prefetchOwners(java.util.Collection<String> people) {
        TransactionBatch.prefetch(jdbc, OWNER,
            "select distinct owner from nhi where owner in (:keys) and state in ('ACTIVE', 'REVIEW')", people);
    }

    public void insert(Nhi n) {
        if (n.owner() != null) {
            TransactionBatch.forget(OWNER, n.owner());
        }
        jdbc.sql("""
                insert into nhi (id, name, kind, target, owner, acting_for, purpose, state, origin, created_at, created_by,
                    expires_at, previous_owner, review_due_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(n.id(), n.name(), n.kind().name(), n.target(), n.owner(), n.actingFor(), n.purpose(), n.state().name(),
                n.origin(), ts(n.createdAt()), n.createdBy(), ts(n.expiresAt()), n.previousOwner(), ts(n.reviewDueAt()),
                ts(n.updatedAt()))
            .update();
        Nhi.Credential c = n.credential();
        if (c != null) {
            jdbc.sql("""
                    insert into nhi_credential (nhi_id, kind, created_at, rotated_at, last_used_at, rotation_planned_at)
                    values (?, ?, ?, ?, ?, ?)""")
                .params(n.id(), c.kind(), ts(c.createdAt()), ts(c.rotatedAt()), ts(c.lastUsedAt()), ts(c.rotationPlannedAt()))
                .update();
        }
    }

    /** Changes owner, state and review due time, if the NHI is still in {@code from}. */
    public boolean move(String id, Nhi.State from, Nhi.State to, @Nullable String owner, @Nullable String previousOwner,
                        @Nullable Instant reviewDueAt, Instant at) {
        if (owner != null) {
            TransactionBatch.forget(OWNER, owner);
        }
        return jdbc.sql("""
                update nhi set state = ?, owner = ?, previous_owner = ?, review_due_at = ?, updated_at = ?
                where id = ? and state = ?""")
            .params(to.name(), owner, previousOwner, ts(reviewDueAt), ts(at), id, from.name()).update() == 1;
    }

    /** A rotation of the NHI's credential is queued. */
    public void rotationPlanned(String id, Instant at) {
        jdbc.sql("update nhi_credential set rotation_planned_at = ? where nhi_id = ?").params(ts(at), id).update();
    }

    /** The target acknowledged a new value, and the sink took it. */
    public void rotated(String id, Instant at) {
        jdbc.sql("update nhi_credential set rotation_planned_at = null, rotated_at = ? where nhi_id = ?")
            .params(ts(at), id).update();
    }

    /** When the target says the credential was made (discovery), if Roster has not rotated it since. */
    public void credentialCreated(String id, Instant createdAt) {
        jdbc.sql("update nhi_credential set created_at = ? where nhi_id = ?").params(ts(createdAt), id).update();
    }

    /**
     * Owned, live NHIs of a kind whose credential's value is older than {@code cutoff} (since it was
     * rotated, or made, or the NHI declared) and has no rotation queued in the last day.
     */
    public List<Nhi> credentialsOlderThan(Nhi.Kind kind, Instant cutoff, Instant replanBefore, int limit) {
        return jdbc.sql(SELECT + """
                 where n.kind = ? and n.state in ('ACTIVE', 'REVIEW') and n.owner is not null
                 and coalesce(c.rotated_at, c.created_at, n.created_at) < ?
                 and (c.rotation_planned_at is null or c.rotation_planned_at < ?)
                 order by coalesce(c.rotated_at, c.created_at, n.created_at) limit ?""")
            .params(kind.name(), ts(cutoff), ts(replanBefore), limit).query(NhiRepository::map).list();
    }

    /** Disabled on its target; to be deleted there at {@code deleteAfter}. */
    public void disabled(String id, Instant at) {
        jdbc.sql("update nhi set disabled_at = ? where id = ?").params(ts(at), id).update();
    }

    public void deleteAfter(String id, @Nullable Instant at) {
        jdbc.sql("update nhi set delete_after = ? where id = ?").params(ts(at), id).update();
    }

    public void deleted(String id, Instant at) {
        jdbc.sql("update nhi set deleted_at = ?, delete_after = null where id = ?").params(ts(at), id).update();
    }

    /** Ended NHIs whose grace period is over, in (delete_after, id) order after {@code after} (null: from the first). */
    public List<Nhi> deletionsDue(Instant now, @Nullable Nhi after, int limit) {
        return page(" where n.delete_after <= :now and n.state in ('EXPIRED', 'RETIRED')", "n.delete_after", now,
            after == null ? null : after.deleteAfter(), after, limit);
    }

    private List<Nhi> page(String where, String at, Instant now, @Nullable Instant afterAt, @Nullable Nhi after,
                           int limit) {
        return org.roster.store.DuePages.after(jdbc, SELECT + where, at, "n.id", now, afterAt,
            after == null ? null : after.id(), limit, NhiRepository::map);
    }

    public Optional<Nhi> find(String target, String name) {
        return jdbc.sql(SELECT + " where n.target = ? and n.name = ?").params(target, name).query(NhiRepository::map)
            .optional();
    }

    public boolean exists(String target, String name) {
        return jdbc.sql("select count(*) from nhi where target = ? and name = ?").params(target, name)
            .query(Long.class).single() > 0;
    }

    public Optional<Nhi> find(String id) {
        return jdbc.sql(SELECT + " where n.id = ?").param(id).query(NhiRepository::map).optional();
    }

    /** Live NHIs (active or in review) a person owns. */
    public List<Nhi> ownedBy(String owner) {
        if (TransactionBatch.absent(OWNER, owner)) {
            return List.of();
        }
        return jdbc.sql(SELECT + " where n.owner = ? and n.state in ('ACTIVE', 'REVIEW') order by n.name")
            .param(owner).query(NhiRepository::map).list();
    }

    /** Live AI agents acting for a person. */
    public List<Nhi> actingFor(String person) {
        return jdbc.sql(SELECT + " where n.acting_for = ? and n.state in ('ACTIVE', 'REVIEW', 'ORPHAN')"
            + " order by n.name")
            .param(person).query(NhiRepository::map).list();
    }

    /** By target and name; after the NHI with id {@code after} when it is given (none after one not there). */
    public List<Nhi> list(@Nullable String owner, Nhi.@Nullable Kind kind, @Nullable String target, Nhi.@Nullable State state,
                          @Nullable String after, int offset, int limit) {
        StringBuilder sql = new StringBuilder(SELECT + " where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (after != null) {
            sql.append(" and (n.target, n.name, n.id) > (select k.target, k.name, k.id from nhi k where k.id = :after)");
            params.put("after", after);
        }
        if (owner != null) {
            sql.append(" and n.owner = :owner");
            params.put("owner", owner);
        }
        if (kind != null) {
            sql.append(" and n.kind = :kind");
            params.put("kind", kind.name());
        }
        if (target != null) {
            sql.append(" and n.target = :target");
            params.put("target", target);
        }
        if (state != null) {
            sql.append(" and n.state = :state");
            params.put("state", state.name());
        }
        sql.append(" order by n.target, n.name, n.id limit :limit offset :offset");
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(sql.toString()).params(params).query(NhiRepository::map).list();
    }

    /** Live NHIs past their expiry, in (expires_at, id) order after {@code after} (null: from the first). */
    public List<Nhi> expiredBy(Instant now, @Nullable Nhi after, int limit) {
        return page(" where n.state in ('ACTIVE', 'REVIEW', 'ORPHAN') and n.expires_at <= :now", "n.expires_at", now,
            after == null ? null : after.expiresAt(), after, limit);
    }

    /** The earliest expiry of a live NHI, or deletion of an ended one, after {@code now}. */
    public Optional<Instant> nextDueAfter(Instant now) {
        Optional<Instant> expiry = jdbc.sql("select min(expires_at) from nhi where state in ('ACTIVE', 'REVIEW', 'ORPHAN')"
                + " and expires_at > ?").param(ts(now))
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
        Optional<Instant> deletion = jdbc.sql("select min(delete_after) from nhi where state in ('EXPIRED', 'RETIRED')"
                + " and delete_after > ?").param(ts(now))
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
        return java.util.stream.Stream.of(expiry, deletion).flatMap(Optional::stream).min(Instant::compareTo);
    }

    /** Live NHIs (an owner's or an orphan) past their expiry. */
    public long countExpiredLive(Instant now) {
        return jdbc.sql("select count(*) from nhi where state in ('ACTIVE', 'REVIEW', 'ORPHAN') and expires_at < ?")
            .param(ts(now)).query(Long.class).single();
    }

    /** NHIs in review past their deadline. */
    public long countOverdueReviews(Instant now) {
        return jdbc.sql("select count(*) from nhi where state = 'REVIEW' and review_due_at < ?").param(ts(now))
            .query(Long.class).single();
    }

    /** Live NHIs of a kind whose credential's value is older than {@code cutoff}. */
    public long countCredentialsOlderThan(Nhi.Kind kind, Instant cutoff) {
        return jdbc.sql("""
                select count(*) from nhi n join nhi_credential c on c.nhi_id = n.id
                where n.kind = ? and n.state in ('ACTIVE', 'REVIEW', 'ORPHAN')
                and coalesce(c.rotated_at, c.created_at, n.created_at) < ?""")
            .params(kind.name(), ts(cutoff)).query(Long.class).single();
    }

    /** Credentials whose last rotation falls in a period. */
    public long countRotatedBetween(Instant from, Instant to) {
        return jdbc.sql("select count(*) from nhi_credential where rotated_at >= ? and rotated_at < ?")
            .params(ts(from), ts(to)).query(Long.class).single();
    }

    /** The people who own live NHIs, at most {@code limit}. */
    public List<String> liveOwners(int limit) {
        return jdbc.sql("select distinct owner from nhi where state in ('ACTIVE', 'REVIEW') and owner is not null"
            + " order by owner limit ?").param(limit).query(String.class).list();
    }

    public long countLiveOwnedBy(java.util.Collection<String> owners) {
        if (owners.isEmpty()) {
            return 0;
        }
        return jdbc.sql("select count(*) from nhi where state in ('ACTIVE', 'REVIEW') and owner in (:owners)")
            .param("owners", owners).query(Long.class).single();
    }

    /** How many NHIs there are per state. */
    public Map<Nhi.State, Long> countByState() {
        Map<Nhi.State, Long> out = new java.util.EnumMap<>(Nhi.State.class);
        List<Map.Entry<String, Long>> rows = new ArrayList<>(jdbc.sql("select state, count(*) from nhi group by state")
            .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list());
        rows.forEach(e -> out.put(Nhi.State.valueOf(e.getKey()), e.getValue()));
        return out;
    }

    private static @Nullable Timestamp ts(@Nullable Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static final String SELECT = """
        select n.*, c.kind as c_kind, c.created_at as c_created_at, c.rotated_at as c_rotated_at,
            c.last_used_at as c_last_used_at, c.rotation_planned_at as c_rotation_planned_at
        from nhi n left join nhi_credential c on c.nhi_id = n.id
        """;

    private static Nhi map(ResultSet rs, int n) throws SQLException {
        return new Nhi(rs.getString("id"), rs.getString("name"), Nhi.Kind.valueOf(rs.getString("kind")),
            rs.getString("target"), rs.getString("owner"), rs.getString("acting_for"), rs.getString("purpose"),
            Nhi.State.valueOf(rs.getString("state")), rs.getString("origin"), rs.getTimestamp("created_at").toInstant(),
            rs.getString("created_by"), rs.getTimestamp("expires_at").toInstant(), rs.getString("previous_owner"),
            instant(rs.getTimestamp("review_due_at")), rs.getTimestamp("updated_at").toInstant(),
            rs.getString("c_kind") == null ? null : new Nhi.Credential(rs.getString("c_kind"),
                instant(rs.getTimestamp("c_created_at")), instant(rs.getTimestamp("c_rotated_at")),
                instant(rs.getTimestamp("c_last_used_at")), instant(rs.getTimestamp("c_rotation_planned_at"))),
            instant(rs.getTimestamp("disabled_at")), instant(rs.getTimestamp("delete_after")),
            instant(rs.getTimestamp("deleted_at")));
    }
}
