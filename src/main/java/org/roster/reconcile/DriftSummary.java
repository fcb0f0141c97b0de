package org.roster.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * Reconciliation over a period, for the compliance report.
 *
 * @param runs runs started in the period
 * @param counts findings made in the period, by target, kind and status, over every run (the same
 *     drift found by two runs counts twice)
 * @param latest the findings of each target's last finished run in the period: drift as it stood at the end
 * @param accepted drift accepted as an exception and in force at the end of the period
 */
public record DriftSummary(List<ReconcileRun> runs, List<Count> counts, List<Count> latest, List<Accepted> accepted) {

    public record Count(String target, Finding.Kind kind, Finding.Status status, long findings) {
    }

    /** @param subject the identity, or the account's key for an orphan */
    public record Accepted(String target, Finding.Kind kind, String subject, String item, String reason,
                           String acceptedBy, Instant acceptedAt, Instant expiresAt) {
    }
}
