package org.roster.sponsorship.internal;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.sponsorship.Sponsorship;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code sponsorship}. */
@Repository
public class SponsorshipRepository {

    private final JdbcClient jdbc;

    public SponsorshipRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link TransactionBatch} knows of: a person who sponsors someone. */
    private static final String SPONSOR = "sponsorship.sponsor";

    /**
     * Reads, in one query, which of these people sponsor someone, so that {@link #bySponsor} answers
     * for the others without a statement in this transaction.
     */
    public void prefetchSponsors(java.util.Collection<String> people) {
        TransactionBatch.prefetch(jdbc, SPONSOR, "select distinct sponsor from sponsorship where sponsor in (:keys)", people);
    }

    public void insert(Sponsorship s) {
        TransactionBatch.forget(SPONSOR, s.sponsor());
        jdbc.sql("""
                insert into sponsorship (employee_number, sponsor, end_date, status, review_reason, review_deadline,
                    created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(s.employeeNumber(), s.sponsor(), Date.valueOf(s.endDate()), s.status().name(), s.reviewReason(),
                s.reviewDeadline() == null ? null : Timestamp.from(s.reviewDeadline()), Timestamp.from(s.createdAt()),
                s.createdBy())
            .update();
    }

    public void update(Sponsorship s) {
        TransactionBatch.forget(SPONSOR, s.sponsor());
        jdbc.sql("""
                update sponsorship set sponsor = ?, end_date = ?, status = ?, review_reason = ?, review_deadline = ?
                where employee_number = ?""")
            .params(s.sponsor(), Date.valueOf(s.endDate()), s.status().name(), s.reviewReason(),
                s.reviewDeadline() == null ? null : Timestamp.from(s.reviewDeadline()), s.employeeNumber())
            .update();
    }

    public Optional<Sponsorship> find(String employeeNumber) {
        return jdbc.sql("select * from sponsorship where employee_number = ?").param(employeeNumber)
            .query(SponsorshipRepository::map).optional();
    }

    public List<Sponsorship> bySponsor(String sponsor) {
        if (TransactionBatch.absent(SPONSOR, sponsor)) {
            return List.of();
        }
        return jdbc.sql("select * from sponsorship where sponsor = ? order by employee_number").param(sponsor)
            .query(SponsorshipRepository::map).list();
    }

    /** By employee number; after {@code after} when it is given. */
    public List<Sponsorship> list(Sponsorship.@Nullable Status status, @Nullable String after, int offset, int limit) {
        return jdbc.sql("select * from sponsorship where " + (status == null ? "true" : "status = :status")
                + (after == null ? "" : " and employee_number > :after") + " order by employee_number limit :limit offset :offset")
            .param("status", status == null ? "" : status.name()).param("after", after == null ? "" : after)
            .param("limit", limit).param("offset", offset).query(SponsorshipRepository::map).list();
    }

    public long count(Sponsorship.@Nullable Status status) {
        if (status == null) {
            return jdbc.sql("select count(*) from sponsorship").query(Long.class).single();
        }
        return jdbc.sql("select count(*) from sponsorship where status = ?").param(status.name())
            .query(Long.class).single();
    }

    private static Sponsorship map(ResultSet rs, int row) throws SQLException {
        Timestamp deadline = rs.getTimestamp("review_deadline");
        return new Sponsorship(rs.getString("employee_number"), rs.getString("sponsor"),
            rs.getDate("end_date").toLocalDate(), Sponsorship.Status.valueOf(rs.getString("status")),
            rs.getString("review_reason"), deadline == null ? null : deadline.toInstant(),
            rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"));
    }
}
