package org.roster.reconcile.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.reconcile.Finding;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code reconcile_run} and {@code reconcile_finding}. */
@Repository
public class FindingRepository {

    private final JdbcClient jdbc;

    public FindingRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public String startRun(String target, String mode, String actor, Instant at) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                insert into reconcile_run (id, target, mode, actor, started_at, accounts, findings)
                values (?, ?, ?, ?, ?, 0, 0)""")
            .params(id, target, mode, actor, Timestamp.from(at)).update();
        return id;
    }

    public void finishRun(String id, long accounts, long findings, @Nullable String error, Instant at) {
        jdbc.sql("update reconcile_run set finished_at = ?, accounts = ?, findings = ?, error = ? where id = ?")
            .params(Timestamp.from(at), accounts, findings, error, id).update();
    }

    public void add(Finding f) {
        jdbc.sql("""
                insert into reconcile_finding (id, run_id, target, identity_key, account_key, kind, detail, status, found_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(f.id(), f.runId(), f.target(), f.identity(), f.accountKey(), f.kind().name(),
                f.detail().length() > 2000 ? f.detail().substring(0, 1999) : f.detail(), f.status().name(),
                Timestamp.from(f.foundAt()))
            .update();
    }

    public List<Finding> forRun(String runId) {
        return jdbc.sql("select * from reconcile_finding where run_id = ? order by kind, identity_key, account_key")
            .param(runId)
            .query((rs, n) -> new Finding(rs.getString("id"), rs.getString("run_id"), rs.getString("target"),
                rs.getString("identity_key"), rs.getString("account_key"), Finding.Kind.valueOf(rs.getString("kind")),
                rs.getString("detail"), Finding.Status.valueOf(rs.getString("status")),
                rs.getTimestamp("found_at").toInstant()))
            .list();
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
