package org.roster.plan.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.plan.Hold;
import org.roster.plan.Plan;
import org.roster.store.JsonColumns;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code plan_hold} and the plans held in each. */
@Repository
public class HoldRepository {

    private static final String SELECT = """
        select h.*, (select count(*) from plan_hold_plan p where p.hold_id = h.id) as plans
        from plan_hold h""";

    private final JdbcClient jdbc;

    public HoldRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public String open(Hold.Kind kind, String source, String target, String reason, Instant at, @Nullable String openedBy) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                insert into plan_hold (id, kind, source, target, status, reason, opened_at, opened_by)
                values (?, ?, ?, ?, 'OPEN', ?, ?, ?)""")
            .params(id, kind.name(), source, target, truncate(reason), Timestamp.from(at), openedBy).update();
        return id;
    }

    /** A hold a batch fills while it is applied: {@code STAGED}, nothing of it sent, not yet for anyone to decide. */
    public String stage(String source, String target, String reason, String actor, Instant at) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                insert into plan_hold (id, kind, source, target, status, reason, opened_at, opened_by)
                values (?, 'GUARD', ?, ?, 'STAGED', ?, ?, ?)""")
            .params(id, source, target, truncate(reason), Timestamp.from(at), actor).update();
        return id;
    }

    /** A staged hold becomes an open one, for an admin to decide. */
    public void openStaged(String id, String reason, Instant at) {
        jdbc.sql("update plan_hold set status = 'OPEN', reason = ?, opened_at = ? where id = ? and status = 'STAGED'")
            .params(truncate(reason), Timestamp.from(at), id).update();
    }

    /** A staged hold whose batch stayed within the limit: it never was a hold, its plans go. */
    public void unstage(String id) {
        jdbc.sql("delete from plan_hold_plan where hold_id = ?").param(id).update();
        jdbc.sql("delete from plan_hold where id = ? and status = 'STAGED'").param(id).update();
    }

    /** Staged holds, oldest first. */
    public List<Hold> staged() {
        return jdbc.sql(SELECT + " where h.status = 'STAGED' order by h.opened_at").query(HoldRepository::map).list();
    }

    /**
     * Locks the source's gate on the target until the transaction ends (made on first use): plans
     * with disables from one source pass the guard one at a time, each counting the ones before.
     */
    public void gate(String source, String target) {
        jdbc.sql("insert into guard_gate (source, target) values (?, ?) on conflict do nothing")
            .params(source, target).update();
        jdbc.sql("update guard_gate set source = source where source = ? and target = ?").params(source, target).update();
    }

    public Optional<String> openFor(Hold.Kind kind, String source, String target) {
        return jdbc.sql("""
                select id from plan_hold where status = 'OPEN' and kind = ? and source = ? and target = ?
                order by opened_at limit 1""")
            .params(kind.name(), source, target).query(String.class).optional();
    }

    /** What {@link TransactionBatch} knows of: an identity with a plan in any hold. */
    private static final String HELD = "plan_hold_plan.identity_key";

    /**
     * Reads, in one query, which of these identities have a plan in any hold, so that
     * {@link #holding} answers for the others without a query in this transaction.
     */
    public void prefetchHeld(java.util.Collection<String> identities) {
        TransactionBatch.prefetch(jdbc, HELD,
            "select distinct identity_key from plan_hold_plan where identity_key in (:keys)", identities);
    }

    /** The open hold that already holds a plan of this identity on this target, if any. */
    public Optional<String> holding(String identity, String target) {
        if (TransactionBatch.absent(HELD, identity)) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select h.id from plan_hold h join plan_hold_plan p on p.hold_id = h.id
                where p.identity_key = ? and p.target = ? and h.status in ('OPEN', 'STAGED') order by p.seq limit 1""")
            .params(identity, target).query(String.class).optional();
    }

    public void add(String holdId, String target, Plan plan) {
        TransactionBatch.forget(HELD, plan.identity());
        jdbc.sql("insert into plan_hold_plan (hold_id, identity_key, target, plan) values (?, ?, ?, ?)")
            .params(holdId, plan.identity(), target, JsonColumns.write(plan)).update();
    }

    /** The held plans, in the order they were held. */
    public List<Plan> plans(String holdId) {
        return jdbc.sql("select plan from plan_hold_plan where hold_id = ? order by seq").param(holdId)
            .query((rs, n) -> JsonColumns.read(rs.getString(1), Plan.class)).list();
    }

    public Optional<Hold> find(String id) {
        return jdbc.sql(SELECT + " where h.id = ?").param(id).query(HoldRepository::map).optional()
            .map(this::withOperations);
    }

    /** Newest first; after a position ({@code org.roster.store.Keyset}) when it is given. */
    public List<Hold> list(Hold.@Nullable Status status, org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        String sql = SELECT + " where " + (status == null ? "true" : "h.status = :status")
            + (after == null ? "" : org.roster.store.Keyset.after("h", "opened_at", true))
            + " order by h.opened_at desc, h.id limit :limit offset :offset";
        List<Hold> holds = jdbc.sql(sql).param("status", status == null ? "" : status.name())
            .param("afterAt", after == null ? null : after.timestamp()).param("afterId", after == null ? "" : after.id())
            .param("limit", limit).param("offset", offset)
            .query(HoldRepository::map).list();
        return holds.stream().map(this::withOperations).toList();
    }

    public long count(Hold.@Nullable Status status) {
        return status == null
            ? jdbc.sql("select count(*) from plan_hold").query(Long.class).single()
            : jdbc.sql("select count(*) from plan_hold where status = ?").param(status.name()).query(Long.class).single();
    }

    /** Decides an open hold; false when it was not open any more (decided meanwhile). */
    public boolean decide(String id, Hold.Status status, String by, @Nullable String note, Instant at) {
        return jdbc.sql("""
                update plan_hold set status = ?, decided_by = ?, note = ?, decided_at = ?
                where id = ? and status = 'OPEN'""")
            .params(status.name(), by, note == null ? null : truncate(note), Timestamp.from(at), id).update() == 1;
    }

    private Hold withOperations(Hold h) {
        long ops = plans(h.id()).stream().mapToLong(p -> p.operations().size()).sum();
        return new Hold(h.id(), h.kind(), h.source(), h.target(), h.status(), h.reason(), h.openedAt(), h.openedBy(),
            h.decidedAt(), h.decidedBy(), h.note(), h.plans(), ops);
    }

    private static Hold map(ResultSet rs, int row) throws SQLException {
        Timestamp decided = rs.getTimestamp("decided_at");
        return new Hold(rs.getString("id"), Hold.Kind.valueOf(rs.getString("kind")), rs.getString("source"),
            rs.getString("target"), Hold.Status.valueOf(rs.getString("status")), rs.getString("reason"),
            rs.getTimestamp("opened_at").toInstant(), rs.getString("opened_by"), decided == null ? null : decided.toInstant(),
            rs.getString("decided_by"), rs.getString("note"), rs.getLong("plans"), 0);
    }

    private static String truncate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 1999) + "…";
    }
}
