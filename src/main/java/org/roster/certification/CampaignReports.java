package org.roster.certification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.roster.certification.internal.CertificationRepository;
import org.roster.plan.OperationKind;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.springframework.stereotype.Service;

/** Builds a campaign's report from its items and the outbox; reads only. */
@Service
public class CampaignReports {

    private static final int REVOCATIONS = 1_000;

    private final CertificationRepository repository;
    private final Provisioning provisioning;
    private final CertificationSettings settings;
    private final Clock clock;

    public CampaignReports(CertificationRepository repository, Provisioning provisioning, CertificationSettings settings,
                           Clock clock) {
        this.repository = repository;
        this.provisioning = provisioning;
        this.settings = settings;
        this.clock = clock;
    }

    /** Certification in a period, for the compliance report. */
    public record Evidence(long started, long closed, Map<String, Long> decisions, long overdue) {
    }

    public Evidence evidence(Instant from, Instant to) {
        long[] counts = repository.campaignsBetween(from, to);
        return new Evidence(counts[0], counts[1], repository.decisionsBetween(from, to), repository.countOverdue(clock.instant()));
    }

    public Optional<CampaignReport> report(String id) {
        Optional<Campaign> found = repository.campaign(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        List<CampaignReport.ReviewerProgress> reviewers = new ArrayList<>();
        for (Object[] r : repository.perReviewer(id)) {
            long items = (Long) r[1];
            long decided = (Long) r[2];
            reviewers.add(new CampaignReport.ReviewerProgress((String) r[0], items, decided, (Long) r[3],
                items == 0 ? 100.0 : Math.round(1000.0 * decided / items) / 10.0));
        }
        List<CertificationItem> decided = repository.decided(id);
        Map<String, Long> decisions = new java.util.TreeMap<>();
        List<CampaignReport.Revocation> revocations = new ArrayList<>();
        Map<String, List<Instant>> byReviewer = new LinkedHashMap<>();
        for (CertificationItem i : decided) {
            decisions.merge(i.status().name() + (i.automatic() && i.status() != CertificationItem.Status.ENDED
                ? "_AT_DEADLINE" : ""), 1L, Long::sum);
            if (!i.automatic() && i.decidedAt() != null) {
                byReviewer.computeIfAbsent(java.util.Objects.requireNonNull(i.decidedBy()), k -> new ArrayList<>())
                    .add(i.decidedAt());
            }
            if (i.status() == CertificationItem.Status.REVOKED && revocations.size() < REVOCATIONS && i.decidedAt() != null) {
                Instant acked = acknowledged(i);
                revocations.add(new CampaignReport.Revocation(i.id(), i.identity(), i.target(), i.entitlement(),
                    java.util.Objects.requireNonNull(i.decidedBy()), i.decidedAt(), i.automatic(), acked,
                    acked == null ? null : Duration.between(i.decidedAt(), acked)));
            }
        }
        long overdue = repository.countOverdue(id, now);
        return Optional.of(new CampaignReport(found.get(), now, reviewers, decisions, revocations, overdue,
            fast(byReviewer)));
    }

    /**
     * Per reviewer, the windows in which {@code count} or more decisions came within {@code within}
     * of each other's first: a reviewer approving hundreds of items seconds apart did not look at them.
     */
    private List<CampaignReport.FastDecisions> fast(Map<String, List<Instant>> byReviewer) {
        int count = settings.fastDecisions().count();
        Duration within = settings.fastDecisions().within();
        List<CampaignReport.FastDecisions> out = new ArrayList<>();
        byReviewer.forEach((reviewer, times) -> {
            times.sort(Instant::compareTo);
            int start = 0;
            int end = 0;
            int best = 0;
            int bestStart = 0;
            for (; end < times.size(); end++) {
                while (Duration.between(times.get(start), times.get(end)).compareTo(within) > 0) {
                    start++;
                }
                if (end - start + 1 > best) {
                    best = end - start + 1;
                    bestStart = start;
                }
            }
            if (best >= count) {
                out.add(new CampaignReport.FastDecisions(reviewer, best, times.get(bestStart), times.get(bestStart + best - 1)));
            }
        });
        return out;
    }

    /** When the target acknowledged the removal the revocation planned (its correlation is the item's). */
    private java.time.@org.jspecify.annotations.Nullable Instant acknowledged(CertificationItem i) {
        for (OutboxEntry e : provisioning.operations(i.identity(), 500)) {
            if (e.correlationId().equals("cert-" + i.id()) && e.operation().target().equals(i.target())
                && e.operation().kind() == OperationKind.REMOVE_ENTITLEMENT && e.ackedAt() != null) {
                return e.ackedAt();
            }
        }
        return null;
    }
}
