package org.roster.hr;

/**
 * A set of HR changes that arrived together (a snapshot file, a SCIM {@code /Bulk} request, a
 * webhook delivery of several events) and is known in full before anything is sent: published when
 * it starts and when it ends, on the thread that applies it, so that later stages can judge the
 * whole (the safety guard counts every disable the batch causes before releasing any).
 *
 * @param source the HR source the changes come from ({@code scim} for SCIM pushes)
 * @param description what the batch is, for the audit and a hold's reason (e.g. {@code snapshot 1b2c... of hr})
 * @param actor the principal that sent it
 */
public record HrBatch(String source, String description, String actor, Phase phase) {

    /**
     * {@code STARTED} and {@code ENDED} on the thread that applies the batch; {@code JOINED} and
     * {@code LEFT} on another thread that applies part of it meanwhile (a snapshot's batches applied
     * two at a time), before and after that part, all between the batch's start and end.
     */
    public enum Phase { STARTED, ENDED, JOINED, LEFT }
}
