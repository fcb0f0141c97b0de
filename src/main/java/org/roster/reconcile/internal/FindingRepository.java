package org.roster.reconcile.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.reconcile.DriftSummary;
import org.roster.reconcile.Finding;
import org.roster.reconcile.ReconcileRun;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code reconcile_run}, {@code reconcile_finding} and {@code reconcile_acceptance}. */
@Repository
public class FindingRepository {

    private final JdbcClient jdbc;

    public FindingRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public String startRun(String target, String mode, String actor, Instant at) {
        String id = UUID.randomUUID().toString();
        startRun(id, target, mode, actor, at);
        return id;
    }

    public void startRun(String id, String target, String mode, String actor, Instant at) {
        jdbc.sql("""
                insert into reconcile_run (id, target, mode, actor, started_at, accounts, findings, mended, status)
                values (?, ?, ?, ?, ?, 0, 0, 0, 'RUNNING')""")
            .params(id, target, mode, actor, Timestamp.from(at)).update();
    }

    /** How far a run got: written every page, so that a long run shows progress. */
    public void progress(String id, long accounts, long findings, long mended) {
        jdbc.sql("update reconcile_run set accounts = ?, findings = ?, mended = ? where id = ?")
            .params(accounts, findings, mended, id).update();
    }

    public void finishRun(String id, long accounts, long findings, long mended, @Nullable String error, Instant at) {
        jdbc.sql("""
                update reconcile_run set finished_at = ?, accounts = ?, findings = ?, mended = ?, error = ?, status = ?
                where id = ?""")
            .params(Timestamp.from(at), accounts, findings, mended, clip(error), error == null ? "FINISHED" : "FAILED", id)
            .update();
    }

    /** Runs left RUNNING by a process that stopped: they will not finish. */
    public int abandonRunning(Instant at) {
        return abandonRunningExcept(java.util.Set.of(), at);
    }

    /** Runs left RUNNING by a process that stopped, but for {@code alive}, those still running somewhere. */
    public int abandonRunningExcept(java.util.Set<String> alive, Instant at) {
        int abandoned = 0;
        for (String id : jdbc.sql("select id from reconcile_run where status = 'RUNNING'").query(String.class).list()) {
            if (!alive.contains(id)) {
                abandoned += abandon(id, "Roster stopped during the run", at);
            }
        }
        return abandoned;
    }

    /** A run whose instance stopped during it: FAILED, with why. */
    public int abandon(String id, String why, Instant at) {
        return jdbc.sql("""
                update reconcile_run set status = 'FAILED', finished_at = ?, error = ? where id = ? and status = 'RUNNING'""")
            .params(Timestamp.from(at), clip(why), id).update();
    }

    public Optional<ReconcileRun> run(String id) {
        return jdbc.sql("select * from reconcile_run where id = ?").param(id).query(this::mapRun).optional();
    }

    /** Runs, newest first, of one target or of all. */
    public List<ReconcileRun> runs(@Nullable String target, int limit) {
        return jdbc.sql("select * from reconcile_run where (cast(? as varchar) is null or target = ?)"
                + " order by started_at desc limit ?")
            .params(target, target, limit).query(this::mapRun).list();
    }

    public void add(Finding f) {
        jdbc.sql("""
                insert into reconcile_finding (id, run_id, target, identity_key, account_key, kind, item, detail, status,
                                               note, found_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(f.id(), f.runId(), f.target(), f.identity(), f.accountKey(), f.kind().name(), f.item(),
                clip(f.detail()), f.status().name(), clip(f.note()), Timestamp.from(f.foundAt()))
            .update();
    }

    public Optional<Finding> finding(String id) {
        return jdbc.sql("select * from reconcile_finding where id = ?").param(id).query(FindingRepository::map).optional();
    }

    public void setStatus(String id, Finding.Status status, String note) {
        jdbc.sql("update reconcile_finding set status = ?, note = ? where id = ?")
            .params(status.name(), clip(note), id).update();
    }

    /** A run's findings in a stable order, a page at a time after the given finding id. */
    public List<Finding> forRun(String runId, Finding.@Nullable Kind kind, Finding.@Nullable Status status,
                                String after, int limit) {
        return jdbc.sql("""
                select * from reconcile_finding where run_id = ? and id > ?
                and (cast(? as varchar) is null or kind = ?) and (cast(? as varchar) is null or status = ?)
                order by id limit ?""")
            .params(runId, after, name(kind), name(kind), name(status), name(status), limit)
            .query(FindingRepository::map).list();
    }

    /** Findings of a run by kind and by status. */
    public Map<String, Long> countsByKindAndStatus(String runId) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.sql("select kind, status, count(*) from reconcile_finding where run_id = ? group by kind, status")
            .param(runId)
            .query((ResultSet rs) -> {
                counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
            });
        return counts;
    }

    /** Findings made in a period, by target, kind and status: for the compliance report. */
    public List<DriftSummary.Count> countsBetween(Instant from, Instant to) {
        return jdbc.sql("""
                select target, kind, status, count(*) as n from reconcile_finding where found_at >= ? and found_at < ?
                group by target, kind, status order by target, kind, status""")
            .params(Timestamp.from(from), Timestamp.from(to))
            .query((rs, n) -> new DriftSummary.Count(rs.getString(1), Finding.Kind.valueOf(rs.getString(2)),
                Finding.Status.valueOf(rs.getString(3)), rs.getLong(4)))
            .list();
    }

    /** The findings of each target's last finished run started in a period, by target, kind and status. */
    public List<DriftSummary.Count> latestCountsBetween(Instant from, Instant to) {
        Timestamp f = Timestamp.from(from);
        Timestamp t = Timestamp.from(to);
        return jdbc.sql("""
                select target, kind, status, count(*) as n from reconcile_finding where run_id in (
                    select r.id from reconcile_run r where r.status = 'FINISHED' and r.started_at >= ? and r.started_at < ?
                    and r.started_at = (select max(l.started_at) from reconcile_run l where l.target = r.target
                                        and l.status = 'FINISHED' and l.started_at >= ? and l.started_at < ?))
                group by target, kind, status order by target, kind, status""")
            .params(f, t, f, t)
            .query((rs, n) -> new DriftSummary.Count(rs.getString(1), Finding.Kind.valueOf(rs.getString(2)),
                Finding.Status.valueOf(rs.getString(3)), rs.getLong(4)))
            .list();
    }

    /** Runs started in a period: for the compliance report. */
    public List<ReconcileRun> runsBetween(Instant from, Instant to) {
        return jdbc.sql("select * from reconcile_run where started_at >= ? and started_at < ? order by started_at")
            .params(Timestamp.from(from), Timestamp.from(to)).query(this::mapRun).list();
    }

    /** An acceptance in force for this drift at {@code at}, if any: its note. */
    public Optional<String> accepted(String target, Finding.Kind kind, String subject, @Nullable String item, Instant at) {
        return jdbc.sql("""
                select accepted_by, reason, expires_at from reconcile_acceptance
                where target = ? and kind = ? and subject = ? and item = ? and expires_at > ?
                order by expires_at desc limit 1""")
            .params(target, kind.name(), subject, item == null ? "" : item, Timestamp.from(at))
            .query((rs, n) -> acceptanceNote(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
            .optional();
    }

    public void accept(Finding f, String subject, String actor, String reason, Instant at, Instant expiresAt) {
        jdbc.sql("""
                insert into reconcile_acceptance (id, target, kind, subject, item, identity_key, reason, accepted_by,
                                                  accepted_at, expires_at, finding_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(UUID.randomUUID().toString(), f.target(), f.kind().name(), subject, f.item() == null ? "" : f.item(),
                f.identity(), clip(reason), actor, Timestamp.from(at), Timestamp.from(expiresAt), f.id())
            .update();
    }

    /** Accepted drift in force at {@code at}: for the compliance report's exceptions. */
    public List<DriftSummary.Accepted> acceptancesAt(Instant at) {
        return jdbc.sql("""
                select target, kind, subject, item, reason, accepted_by, accepted_at, expires_at
                from reconcile_acceptance where accepted_at <= ? and expires_at > ? order by expires_at""")
            .params(Timestamp.from(at), Timestamp.from(at))
            .query((rs, n) -> new DriftSummary.Accepted(rs.getString(1), Finding.Kind.valueOf(rs.getString(2)),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
                rs.getTimestamp(8).toInstant()))
            .list();
    }

    public static String acceptanceNote(String by, String reason, Instant until) {
        return "accepted by " + by + " until " + until + ": " + reason;
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private ReconcileRun mapRun(ResultSet rs, int n) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new ReconcileRun(rs.getString("id"), rs.getString("target"), rs.getString("mode"),
            ReconcileRun.Status.valueOf(rs.getString("status")), rs.getString("actor"),
            rs.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant(),
            rs.getLong("accounts"), rs.getLong("findings"), rs.getLong("mended"), rs.getString("error"), Map.of());
    }

    private static Finding map(ResultSet rs, int n) throws SQLException {
        return new Finding(rs.getString("id"), rs.getString("run_id"), rs.getString("target"),
            rs.getString("identity_key"), rs.getString("account_key"), Finding.Kind.valueOf(rs.getString("kind")),
            rs.getString("item"), rs.getString("detail"), Finding.Status.valueOf(rs.getString("status")),
            rs.getString("note"), rs.getTimestamp("found_at").toInstant());
    }

    private static @Nullable String name(@Nullable Enum<?> e) {
        return e == null ? null : e.name();
    }

    private static @Nullable String clip(@Nullable String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1999);
    }
}
