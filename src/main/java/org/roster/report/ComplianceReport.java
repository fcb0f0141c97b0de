package org.roster.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.hr.QuarantinedRecord;
import org.roster.provisioning.Revocation;
import org.roster.reconcile.DriftSummary;

/**
 * What happened to identities and access in a period, and whether it was done as the controls
 * require, with the evidence behind each statement.
 *
 * @param from start of the period, inclusive
 * @param to end of the period, exclusive
 * @param transitions lifecycle transitions in the period by kind (JOINER, MOVER, LEAVER, ...)
 * @param revocation per target: how long leavers' access took to be verified gone
 * @param fullRevocation per leaver: until the last of its targets was verified
 * @param failedVerifications revocations whose read-back still showed access
 * @param exceptions access outside policy in force at the end of the period, with owners
 * @param drift reconciliation runs and findings of the period, and accepted drift
 * @param quarantine HR records quarantined in the period instead of acted on
 * @param posture IdP token and session lifetimes above the maximum (read from the targets now)
 * @param receivers events sent to Shared Signals receivers and CloudEvents subscribers
 * @param caveats where the report read less than there was (more records in the period than it reads)
 */
public record ComplianceReport(Instant from, Instant to, Instant generatedAt, String policyVersion,
                               Integrity integrity, Map<String, Long> transitions, List<TargetRevocation> revocation,
                               FullRevocation fullRevocation, List<Revocation> failedVerifications,
                               List<ExceptionEntry> exceptions, DriftSummary drift, Quarantine quarantine,
                               List<PostureEntry> posture, NhiInventory nhi, Certification certification,
                               List<ReceiverDelivery> receivers, List<String> caveats, List<Control> controls) {

    /**
     * Events sent to one receiver that is not a provisioning target (a Shared Signals stream's
     * owner, a CloudEvents subscriber) in the period.
     *
     * @param channel {@code ssf} or {@code cloudevents}
     * @param acknowledged from the HR change to the receiver's acknowledgement, for those acknowledged in the period
     * @param breaches acknowledged later than the objective
     * @param pending waiting (or being retried) when the report was made
     * @param dead given up when the report was made
     */
    public record ReceiverDelivery(String channel, String receiver, Duration slo, Distribution acknowledged,
                                   long breaches, long pending, long dead) {
    }

    /**
     * Access certification in the period.
     *
     * @param started campaigns started in the period
     * @param closed of those, closed
     * @param decisions decisions made in the period ({@code KEPT}, {@code REVOKED}, the same
     *     {@code _AT_DEADLINE}, {@code ENDED})
     * @param overdue items open past their due time now
     */
    public record Certification(long started, long closed, Map<String, Long> decisions, long overdue) {
    }

    /**
     * The non-human identities as they stand when the report is made.
     *
     * @param byState how many per state (ACTIVE, REVIEW, ORPHAN, EXPIRED, RETIRED)
     * @param overdueReviews handed-over or moved owners' NHIs whose review is past due
     * @param ownedByLeavers live NHIs whose owner does not work here (a handover that did not happen)
     * @param overdueExpiries live NHIs past their expiry
     * @param staleCredentials credentials older than their kind's maximum age
     * @param rotated credentials rotated in the period
     */
    public record NhiInventory(Map<String, Long> byState, long overdueReviews, long ownedByLeavers, long overdueExpiries,
                               long staleCredentials, long rotated) {
    }

    /**
     * Whether the audit trail the report rests on is intact.
     *
     * @param records records checked in the whole chain
     * @param brokenAt the first record that breaks the chain or a checkpoint, if any
     */
    public record Integrity(boolean intact, long records, @Nullable Long brokenAt, @Nullable String reason,
                            long checkpoints, String signingKey) {
    }

    /** A distribution of durations: how many, the median, the 95th percentile, the worst. */
    public record Distribution(long count, @Nullable Duration p50, @Nullable Duration p95, @Nullable Duration max) {
    }

    /**
     * One target's revocations in the period.
     *
     * @param breaches revocations verified later than the objective
     * @param overdue revocations still not acknowledged beyond the objective when the report was made
     * @param worst the slowest, slowest first
     */
    public record TargetRevocation(String target, Duration slo, Distribution verified, long failed, long notVerifiable,
                                   long breaches, long overdue, List<Revocation> worst) {
    }

    /**
     * Leavers whose every target was checked in the period: from the HR change to the last target verified.
     *
     * @param incomplete leavers with at least one target failed or not verifiable
     * @param worst the slowest leavers, slowest first
     */
    public record FullRevocation(Distribution verified, long incomplete, List<Leaver> worst) {
    }

    /** One leaver's revocation across targets. */
    public record Leaver(String identity, String correlationId, Instant hrReceivedAt, Duration took, String lastTarget) {
    }

    /**
     * An exception, JIT grant or accepted drift in force.
     *
     * @param kind {@code EXCEPTION}, {@code JIT} or {@code ACCEPTED_DRIFT}
     * @param owner who answers for it: the entitlement's owner, else who approved or accepted it
     */
    public record ExceptionEntry(String kind, String subject, String target, String item, String owner,
                                 @Nullable String approvedBy, @Nullable Instant until, String reason) {
    }

    /** HR records quarantined in the period; the records themselves stay in the quarantine, not in the report. */
    public record Quarantine(long total, Map<String, Long> byStatus, Map<String, Long> byField,
                             List<QuarantineEntry> first) {
    }

    /** One quarantined record: where it came from and why it was not acted on. */
    public record QuarantineEntry(String id, String source, @Nullable String employeeNumber, String field, String reason,
                                  QuarantinedRecord.Status status, Instant receivedAt) {
    }

    /** A target's token or session lifetime above the maximum, or why it could not be read. */
    public record PostureEntry(String target, List<String> above, @Nullable String error) {
    }

    /** How a control stands in the period. */
    public enum Status {
        /** The evidence shows the control operating. */
        MET,
        /** The evidence shows gaps: see {@code attention}. */
        ATTENTION,
        /** Roster has nothing for it in this period. */
        NO_EVIDENCE
    }

    /**
     * One control and the evidence behind its status.
     *
     * @param framework e.g. {@code NIST CSF 2.0}
     * @param evidence what Roster's data shows, each line with its numbers
     * @param attention what needs looking at
     */
    public record Control(String framework, String id, String title, Status status, List<String> evidence,
                          List<String> attention) {
    }
}
