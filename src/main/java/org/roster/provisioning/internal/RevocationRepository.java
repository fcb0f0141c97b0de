package org.roster.provisioning.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.provisioning.Revocation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code revocation}. */
@Repository
public class RevocationRepository {

    private final JdbcClient jdbc;

    public RevocationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void save(Revocation r) {
        jdbc.sql("delete from revocation where identity_key = ? and target = ? and correlation_id = ?")
            .params(r.identity(), r.target(), r.correlationId()).update();
        jdbc.sql("""
                insert into revocation (identity_key, target, correlation_id, hr_received_at, acked_at, checked_at, result,
                    detail, slo_ms, breached)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(r.identity(), r.target(), r.correlationId(), Timestamp.from(r.hrReceivedAt()),
                Timestamp.from(r.ackedAt()), Timestamp.from(r.checkedAt()), r.result().name(),
                r.detail().length() > 2000 ? r.detail().substring(0, 1999) : r.detail(),
                r.slo() == null ? null : r.slo().toMillis(), r.breached() ? 1 : 0)
            .update();
    }

    public List<Revocation> forIdentity(String identity) {
        return jdbc.sql("select * from revocation where identity_key = ? order by checked_at, target").param(identity)
            .query(RevocationRepository::map).list();
    }

    /** A target's checks within a period, most recent first. */
    /** Every target's revocation checks in a period, oldest first. */
    public List<Revocation> between(Instant from, Instant to, int limit) {
        return jdbc.sql("select * from revocation where checked_at >= ? and checked_at < ? order by checked_at limit ?")
            .params(Timestamp.from(from), Timestamp.from(to), limit).query(RevocationRepository::map).list();
    }

    public List<Revocation> forTarget(String target, Instant from, Instant to, int limit) {
        return jdbc.sql("""
                select * from revocation where target = ? and checked_at >= ? and checked_at < ?
                order by checked_at desc limit ?""")
            .params(target, Timestamp.from(from), Timestamp.from(to), limit).query(RevocationRepository::map).list();
    }

    private static Revocation map(ResultSet rs, int row) throws SQLException {
        Instant received = rs.getTimestamp("hr_received_at").toInstant();
        Instant checked = rs.getTimestamp("checked_at").toInstant();
        long slo = rs.getLong("slo_ms");
        Duration sloDuration = rs.wasNull() ? null : Duration.ofMillis(slo);
        return new Revocation(rs.getString("identity_key"), rs.getString("target"), rs.getString("correlation_id"),
            received, rs.getTimestamp("acked_at").toInstant(), checked, Revocation.Result.valueOf(rs.getString("result")),
            rs.getString("detail"), Duration.between(received, checked), sloDuration, rs.getInt("breached") == 1);
    }
}
