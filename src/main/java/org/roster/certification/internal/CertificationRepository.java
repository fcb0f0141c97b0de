package org.roster.certification.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.certification.Campaign;
import org.roster.certification.CertificationItem;
import org.roster.certification.CertificationSettings.OnDeadline;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Campaigns and their items. */
@Repository
public class CertificationRepository {

    private static final String CAMPAIGN = """
        select c.*, (select count(*) from certification_item i where i.campaign_id = c.id) as items,
            (select count(*) from certification_item i where i.campaign_id = c.id and i.status = 'OPEN') as open_items
        from certification_campaign c
        """;

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public CertificationRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    public void insert(Campaign c) {
        jdbc.sql("""
                insert into certification_campaign (id, name, definition, origin, description, scope, reviewers, on_deadline,
                    escalate_for_s, started_at, started_by, due_at, status, closed_at, subject)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(c.id(), c.name(), c.definition(), c.origin(), c.description(), c.scope(), String.join("\n", c.reviewers()),
                c.onDeadline() == null ? null : c.onDeadline().name(), c.escalateFor().toSeconds(), ts(c.startedAt()),
                c.startedBy(), ts(c.dueAt()), c.status().name(), ts(c.closedAt()), c.subject())
            .update();
    }

    /** Items in JDBC batches. */
    public void insertItems(List<CertificationItem> items) {
        List<Object[]> rows = new ArrayList<>(items.size());
        for (CertificationItem i : items) {
            rows.add(new Object[] {i.id(), i.campaignId(), i.identity(), i.target(), i.entitlement(), i.privileged() ? 1 : 0,
                i.source(), cut(i.why(), 2000), cut(String.join(",", i.grants()), 2000), ts(i.since()), ts(i.lastUsedAt()),
                i.peers(), i.peerGroup(), i.reviewer(), cut(i.reviewerWhy(), 1000), i.status().name(), i.decidedBy(),
                ts(i.decidedAt()), i.reason(), i.automatic() ? 1 : 0, ts(i.dueAt()), i.escalated() ? 1 : 0});
        }
        batch.batchUpdate("""
                insert into certification_item (id, campaign_id, identity_key, target, entitlement, privileged, source, why,
                    grant_ids, since, last_used_at, peers, peer_group, reviewer, reviewer_why, status, decided_by, decided_at,
                    reason, automatic, due_at, escalated)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    public void deleteItems(String campaign) {
        jdbc.sql("delete from certification_item where campaign_id = ?").param(campaign).update();
    }

    /** Closes an open campaign with no open item; false when it is not open, or something in it is. */
    public boolean closeIfDone(String campaign, Instant at) {
        return jdbc.sql("""
                update certification_campaign set status = 'CLOSED', closed_at = ?
                where id = ? and status = 'OPEN'
                and not exists (select 1 from certification_item i where i.campaign_id = ? and i.status = 'OPEN')""")
            .params(ts(at), campaign, campaign).update() == 1;
    }

    public void setStatus(String campaign, Campaign.Status status, @Nullable Instant closedAt) {
        jdbc.sql("update certification_campaign set status = ?, closed_at = ? where id = ?")
            .params(status.name(), ts(closedAt), campaign).update();
    }

    public Optional<Campaign> campaign(String id) {
        return jdbc.sql(CAMPAIGN + " where c.id = ?").param(id).query(CertificationRepository::campaign).optional();
    }

    /** Newest first; after a position ({@code org.roster.store.Keyset}) when it is given. */
    public List<Campaign> campaigns(Campaign.@Nullable Status status, org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        return jdbc.sql(CAMPAIGN + (status == null ? " where 1 = 1" : " where c.status = '" + status.name() + "'")
                + (after == null ? "" : org.roster.store.Keyset.after("c", "started_at", true))
                + " order by c.started_at desc, c.id limit :limit offset :offset")
            .param("afterAt", after == null ? null : after.timestamp()).param("afterId", after == null ? "" : after.id())
            .param("limit", limit).param("offset", offset)
            .query(CertificationRepository::campaign).list();
    }

    /** When a definition's last campaign started. */
    public Optional<Instant> lastStart(String definition) {
        return jdbc.sql("select max(started_at) from certification_campaign where definition = ?").param(definition)
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    /** Open campaigns with no open item left. */
    public List<String> finished() {
        return jdbc.sql("""
                select c.id from certification_campaign c where c.status = 'OPEN'
                and not exists (select 1 from certification_item i where i.campaign_id = c.id and i.status = 'OPEN')""")
            .query(String.class).list();
    }

    public Optional<CertificationItem> item(String id) {
        return jdbc.sql("select * from certification_item where id = ?").param(id).query(CertificationRepository::item)
            .optional();
    }

    /**
     * A campaign's items, by id, after {@code afterId} (keyset paging), for some reviewers (all when
     * empty) and a status (any when null).
     */
    public List<CertificationItem> items(String campaign, List<String> reviewers, CertificationItem.@Nullable Status status,
                                         String afterId, int limit) {
        StringBuilder sql = new StringBuilder("select * from certification_item where campaign_id = :campaign and id > :after");
        Map<String, Object> params = new HashMap<>();
        params.put("campaign", campaign);
        params.put("after", afterId);
        if (!reviewers.isEmpty()) {
            sql.append(" and reviewer in (:reviewers)");
            params.put("reviewers", reviewers);
        }
        if (status != null) {
            sql.append(" and status = :status");
            params.put("status", status.name());
        }
        sql.append(" order by id limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(CertificationRepository::item).list();
    }

    /** Open items some reviewers decide, soonest due first, across campaigns. */
    public List<CertificationItem> openFor(List<String> reviewers, int limit) {
        if (reviewers.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select * from certification_item where reviewer in (:reviewers) and status = 'OPEN'"
                + " order by due_at, id limit :limit")
            .param("reviewers", reviewers).param("limit", limit).query(CertificationRepository::item).list();
    }

    /** Open items per campaign, reviewer and due time. */
    public List<org.roster.certification.Certifications.ReviewerLoad> openByReviewer(int limit) {
        return jdbc.sql("""
                select i.campaign_id, c.name, i.reviewer, count(*), min(i.due_at) from certification_item i
                join certification_campaign c on c.id = i.campaign_id
                where i.status = 'OPEN' and c.status = 'OPEN'
                group by i.campaign_id, c.name, i.reviewer order by min(i.due_at) limit ?""")
            .param(limit).query((rs, n) -> new org.roster.certification.Certifications.ReviewerLoad(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getLong(4), rs.getTimestamp(5).toInstant())).list();
    }

    /** Open items past their due time, soonest first. */
    /**
     * Up to {@code limit} open items past their deadline, in (deadline, id) order after {@code after} (null: from the
     * first): a pass walks each once, whether or not those before it could be closed.
     */
    public List<CertificationItem> due(Instant now, @Nullable CertificationItem after, int limit) {
        return org.roster.store.DuePages.after(jdbc, "select * from certification_item where status = 'OPEN' and due_at"
            + " <= :now", "due_at", "id", now, after == null ? null : after.dueAt(), after == null ? null : after.id(),
            limit, CertificationRepository::item);
    }

    /** The earliest deadline of an open item after {@code now}, if any. */
    public Optional<Instant> nextDueAfter(Instant now) {
        return jdbc.sql("select min(due_at) from certification_item where status = 'OPEN' and due_at > ?").param(ts(now))
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    /** Records a decision on an open item; false when it was decided already. */
    public boolean decide(String id, CertificationItem.Status status, String by, Instant at, String reason,
                          boolean automatic) {
        return jdbc.sql("""
                update certification_item set status = ?, decided_by = ?, decided_at = ?, reason = ?, automatic = ?
                where id = ? and status = 'OPEN'""")
            .params(status.name(), by, ts(at), cut(reason, 1000), automatic ? 1 : 0, id).update() == 1;
    }

    /** Ends the open items reviewing a person who left; returns how many. */
    public int endOpenAbout(String identity, Instant at) {
        return jdbc.sql("""
                update certification_item set status = 'ENDED', decided_by = 'roster', decided_at = ?, automatic = 1,
                    reason = 'the person left: their access went with the employment'
                where identity_key = ? and status = 'OPEN'""")
            .params(ts(at), identity).update();
    }

    /** Gives an open item another reviewer (and, escalated, another due time). */
    public boolean reassign(String id, String reviewer, String why, Instant dueAt, boolean escalated) {
        return jdbc.sql("""
                update certification_item set reviewer = ?, reviewer_why = ?, due_at = ?, escalated = ?, reminded_at = null
                where id = ? and status = 'OPEN'""")
            .params(reviewer, cut(why, 1000), ts(dueAt), escalated ? 1 : 0, id).update() == 1;
    }

    /** Open items a reviewer decides, or that review one person's access. */
    public List<CertificationItem> openReviewedBy(String reviewer) {
        return jdbc.sql("select * from certification_item where reviewer = ? and status = 'OPEN' order by id")
            .param(reviewer).query(CertificationRepository::item).list();
    }

    /** The decisions made in a campaign, in the order they were made. */
    public List<CertificationItem> decided(String campaign) {
        return jdbc.sql("select * from certification_item where campaign_id = ? and status <> 'OPEN' order by decided_at, id")
            .param(campaign).query(CertificationRepository::item).list();
    }

    /** Per reviewer: items, decided, open. */
    public List<Object[]> perReviewer(String campaign) {
        return jdbc.sql("""
                select reviewer, count(*), sum(case when status = 'OPEN' then 0 else 1 end),
                    sum(case when automatic = 1 then 1 else 0 end)
                from certification_item where campaign_id = ? group by reviewer order by reviewer""")
            .param(campaign).query((rs, n) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)})
            .list();
    }

    /** Items still open past their due time, across campaigns. */
    public long countOverdue(Instant now) {
        return jdbc.sql("select count(*) from certification_item where status = 'OPEN' and due_at < ?").param(ts(now))
            .query(Long.class).single();
    }

    /** A campaign's items still open past their due time. */
    public long countOverdue(String campaign, Instant now) {
        return jdbc.sql("select count(*) from certification_item where campaign_id = ? and status = 'OPEN' and due_at < ?")
            .params(campaign, ts(now)).query(Long.class).single();
    }

    /** Campaigns started in a period, and of those how many are closed. */
    public long[] campaignsBetween(Instant from, Instant to) {
        return jdbc.sql("""
                select count(*), sum(case when status = 'CLOSED' then 1 else 0 end) from certification_campaign
                where started_at >= ? and started_at < ?""")
            .params(ts(from), ts(to)).query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
    }

    /** Decisions made in a period, per status and whether at the deadline. */
    public Map<String, Long> decisionsBetween(Instant from, Instant to) {
        Map<String, Long> out = new java.util.TreeMap<>();
        jdbc.sql("""
                select status, automatic, count(*) from certification_item
                where decided_at >= ? and decided_at < ? group by status, automatic""")
            .params(ts(from), ts(to))
            .query((rs, n) -> Map.entry(rs.getString(1) + (rs.getInt(2) == 1 && !"ENDED".equals(rs.getString(1))
                ? "_AT_DEADLINE" : ""), rs.getLong(3)))
            .list().forEach(e -> out.merge(e.getKey(), e.getValue(), Long::sum));
        return out;
    }

    private static @Nullable Timestamp ts(@Nullable Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static @Nullable String cut(@Nullable String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static Campaign campaign(ResultSet rs, int n) throws SQLException {
        String onDeadline = rs.getString("on_deadline");
        return new Campaign(rs.getString("id"), rs.getString("name"), rs.getString("definition"), rs.getString("origin"),
            rs.getString("description"), rs.getString("scope"), List.of(rs.getString("reviewers").split("\n")),
            onDeadline == null ? null : OnDeadline.valueOf(onDeadline), Duration.ofSeconds(rs.getLong("escalate_for_s")),
            rs.getTimestamp("started_at").toInstant(), rs.getString("started_by"), rs.getTimestamp("due_at").toInstant(),
            Campaign.Status.valueOf(rs.getString("status")), instant(rs.getTimestamp("closed_at")), rs.getString("subject"),
            rs.getLong("items"), rs.getLong("open_items"));
    }

    private static CertificationItem item(ResultSet rs, int n) throws SQLException {
        String grants = rs.getString("grant_ids");
        Long peers = rs.getObject("peers") == null ? null : rs.getLong("peers");
        return new CertificationItem(rs.getString("id"), rs.getString("campaign_id"), rs.getString("identity_key"),
            rs.getString("target"), rs.getString("entitlement"), rs.getInt("privileged") == 1, rs.getString("source"),
            rs.getString("why"), grants.isEmpty() ? List.of() : Arrays.asList(grants.split(",")),
            instant(rs.getTimestamp("since")), instant(rs.getTimestamp("last_used_at")), peers,
            rs.getString("peer_group"), rs.getString("reviewer"), rs.getString("reviewer_why"),
            CertificationItem.Status.valueOf(rs.getString("status")), rs.getString("decided_by"),
            instant(rs.getTimestamp("decided_at")), rs.getString("reason"), rs.getInt("automatic") == 1,
            rs.getTimestamp("due_at").toInstant(), rs.getInt("escalated") == 1);
    }
}
