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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The inventory of non-human identities. */
@Repository
public class NhiRepository {

    private final JdbcClient jdbc;

    public NhiRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Nhi n) {
        jdbc.sql("""
                insert into nhi (id, name, kind, target, owner, acting_for, purpose, state, origin, created_at, created_by,
                    expires_at, previous_owner, review_due_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(n.id(), n.name(), n.kind().name(), n.target(), n.owner(), n.actingFor(), n.purpose(), n.state().name(),
                n.origin(), ts(n.createdAt()), n.createdBy(), ts(n.expiresAt()), n.previousOwner(), ts(n.reviewDueAt()),
                ts(n.updatedAt()))
            .update();
    }

    /** Changes owner, state and review due time, if the NHI is still in {@code from}. */
    public boolean move(String id, Nhi.State from, Nhi.State to, @Nullable String owner, @Nullable String previousOwner,
                        @Nullable Instant reviewDueAt, Instant at) {
        return jdbc.sql("""
                update nhi set state = ?, owner = ?, previous_owner = ?, review_due_at = ?, updated_at = ?
                where id = ? and state = ?""")
            .params(to.name(), owner, previousOwner, ts(reviewDueAt), ts(at), id, from.name()).update() == 1;
    }

    /** Marks the NHI's credential for rotation (its owner left and could have seen it). */
    public void requestRotation(String id, Instant at) {
        jdbc.sql("update nhi set rotate_requested_at = ? where id = ?").params(ts(at), id).update();
    }

    /** NHIs whose credential is marked for rotation, oldest request first. */
    public List<Nhi> rotationsDue(int limit) {
        return jdbc.sql("select * from nhi where rotate_requested_at is not null order by rotate_requested_at limit ?")
            .param(limit).query(NhiRepository::map).list();
    }

    /** The credential was given a new value (or there is nothing to rotate): the request is done. */
    public void rotated(String id, @Nullable Instant at) {
        if (at == null) {
            jdbc.sql("update nhi set rotate_requested_at = null where id = ?").param(id).update();
        } else {
            jdbc.sql("update nhi set rotate_requested_at = null, rotated_at = ? where id = ?").params(ts(at), id).update();
        }
    }

    public boolean exists(String target, String name) {
        return jdbc.sql("select count(*) from nhi where target = ? and name = ?").params(target, name)
            .query(Long.class).single() > 0;
    }

    public Optional<Nhi> find(String id) {
        return jdbc.sql("select * from nhi where id = ?").param(id).query(NhiRepository::map).optional();
    }

    /** Live NHIs (active or in review) a person owns. */
    public List<Nhi> ownedBy(String owner) {
        return jdbc.sql("select * from nhi where owner = ? and state in ('ACTIVE', 'REVIEW') order by name")
            .param(owner).query(NhiRepository::map).list();
    }

    /** Live AI agents acting for a person. */
    public List<Nhi> actingFor(String person) {
        return jdbc.sql("select * from nhi where acting_for = ? and state in ('ACTIVE', 'REVIEW', 'ORPHAN') order by name")
            .param(person).query(NhiRepository::map).list();
    }

    public List<Nhi> list(@Nullable String owner, Nhi.@Nullable Kind kind, @Nullable String target, Nhi.@Nullable State state,
                          int offset, int limit) {
        StringBuilder sql = new StringBuilder("select * from nhi where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (owner != null) {
            sql.append(" and owner = :owner");
            params.put("owner", owner);
        }
        if (kind != null) {
            sql.append(" and kind = :kind");
            params.put("kind", kind.name());
        }
        if (target != null) {
            sql.append(" and target = :target");
            params.put("target", target);
        }
        if (state != null) {
            sql.append(" and state = :state");
            params.put("state", state.name());
        }
        sql.append(" order by target, name limit :limit offset :offset");
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(sql.toString()).params(params).query(NhiRepository::map).list();
    }

    /** Live NHIs whose expiry has passed, at most {@code limit}. */
    public List<Nhi> expiredBy(Instant now, int limit) {
        return jdbc.sql("select * from nhi where state in ('ACTIVE', 'REVIEW', 'ORPHAN') and expires_at <= ?"
                + " order by expires_at limit ?").params(ts(now), limit).query(NhiRepository::map).list();
    }

    /** The earliest expiry to come, of live NHIs. */
    public Optional<Instant> nextExpiry() {
        return jdbc.sql("select min(expires_at) from nhi where state in ('ACTIVE', 'REVIEW', 'ORPHAN')")
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
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

    private static Nhi map(ResultSet rs, int n) throws SQLException {
        return new Nhi(rs.getString("id"), rs.getString("name"), Nhi.Kind.valueOf(rs.getString("kind")),
            rs.getString("target"), rs.getString("owner"), rs.getString("acting_for"), rs.getString("purpose"),
            Nhi.State.valueOf(rs.getString("state")), rs.getString("origin"), rs.getTimestamp("created_at").toInstant(),
            rs.getString("created_by"), rs.getTimestamp("expires_at").toInstant(), rs.getString("previous_owner"),
            instant(rs.getTimestamp("review_due_at")), rs.getTimestamp("updated_at").toInstant(),
            instant(rs.getTimestamp("rotate_requested_at")), instant(rs.getTimestamp("rotated_at")));
    }
}
