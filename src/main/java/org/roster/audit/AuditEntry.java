package org.roster.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One fact to record. The stage says where in the flow it happened (as midPoint tags its records):
 * {@code REQUEST} for what arrived, {@code DECISION} for what Roster decided and why,
 * {@code EXECUTION} for what a target was told and what it answered.
 *
 * @param identity the employee number concerned, if any
 * @param kind what happened, e.g. {@code HR_EVENT}, {@code TRANSITION}, {@code GRANT}, {@code OPERATION_ACKED}
 * @param stage request, decision or execution
 * @param actor who caused it: an API token name, a source name or {@code roster}
 * @param target the target system concerned, if any
 * @param detail human-readable detail; never a secret; stored up to {@link #MAX_DETAIL} characters, a
 *     longer one cut with an ellipsis (a list of items is split into several records instead:
 *     {@link AuditDetails})
 * @param correlationId the HR event that caused it
 */
public record AuditEntry(@Nullable String identity, String kind, Stage stage, String actor,
                         @Nullable String target, String detail, @Nullable String correlationId) {

    public enum Stage { REQUEST, DECISION, EXECUTION }

    /** The longest detail stored whole. */
    public static final int MAX_DETAIL = 4000;

    public AuditEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(detail, "detail");
    }
}
