package org.roster.hr.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrReview;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_review}. */
@Repository
public class ReviewRepository {

    private final JdbcClient jdbc;

    public ReviewRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(HrReview r) {
        jdbc.sql("""
                insert into hr_review (id, kind, employee_number, related, detail, status, created_at)
                values (?, ?, ?, ?, ?, ?, ?)""")
            .params(r.id(), r.kind(), r.employeeNumber(), r.related(), r.detail(), r.status().name(),
                Timestamp.from(r.createdAt()))
            .update();
    }

    public Optional<HrReview> find(String id) {
        return jdbc.sql("select * from hr_review where id = ?").param(id).query(ReviewRepository::map).optional();
    }

    /** Oldest first; after the review with id {@code after} when it is given (none after one not there). */
    public List<HrReview> list(HrReview.@Nullable Status status, @Nullable String after, int offset, int limit) {
        String sql = "select * from hr_review where " + (status == null ? "true" : "status = :status")
            + (after == null ? "" : " and seq > (select k.seq from hr_review k where k.id = :after)")
            + " order by seq limit :limit offset :offset";
        return jdbc.sql(sql).param("status", status == null ? "" : status.name()).param("after", after == null ? "" : after)
            .param("limit", limit).param("offset", offset).query(ReviewRepository::map).list();
    }

    public long count(HrReview.@Nullable Status status) {
        return status == null
            ? jdbc.sql("select count(*) from hr_review").query(Long.class).single()
            : jdbc.sql("select count(*) from hr_review where status = ?").param(status.name()).query(Long.class).single();
    }

    public boolean resolve(String id, String resolution, @Nullable String note, Instant at, String by) {
        return jdbc.sql("""
                update hr_review set status = 'RESOLVED', resolution = ?, note = ?, resolved_at = ?, resolved_by = ?
                where id = ? and status = 'OPEN'""")
            .params(resolution, note, Timestamp.from(at), by, id).update() == 1;
    }

    private static HrReview map(ResultSet rs, int row) throws SQLException {
        Timestamp resolved = rs.getTimestamp("resolved_at");
        return new HrReview(rs.getString("id"), rs.getString("kind"), rs.getString("employee_number"),
            rs.getString("related"), rs.getString("detail"), HrReview.Status.valueOf(rs.getString("status")),
            rs.getString("resolution"), rs.getString("note"), rs.getTimestamp("created_at").toInstant(),
            resolved == null ? null : resolved.toInstant(), rs.getString("resolved_by"));
    }
}
