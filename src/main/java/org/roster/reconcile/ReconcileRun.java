package org.roster.reconcile;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One reconciliation of one target: while it runs, how far it got; once done, what it found.
 *
 * @param mode {@code REPORT} or {@code MEND}
 * @param accounts accounts read so far
 * @param findings findings so far
 * @param mended findings whose mend went out through the planner
 * @param counts findings by {@code KIND/STATUS} (filled when one run is asked for)
 */
public record ReconcileRun(String id, String target, String mode, Status status, String actor, Instant startedAt,
                           @Nullable Instant finishedAt, long accounts, long findings, long mended,
                           @Nullable String error, Map<String, Long> counts) {

    public enum Status { RUNNING, FINISHED, FAILED }

    ReconcileRun withCounts(Map<String, Long> counts) {
        return new ReconcileRun(id, target, mode, status, actor, startedAt, finishedAt, accounts, findings, mended, error,
            counts);
    }
}
