package org.roster.provisioning;

import org.roster.plan.Operation;

/**
 * A connector whose target deduplicates: each operation goes with a key of its own, the same on
 * every attempt, so that one sent twice (a retry after an answer was lost, or by a second instance
 * across a rebalance in cluster mode) takes effect there once. Two operations with the same content
 * (disabled, enabled, disabled again) have different keys.
 */
public interface IdempotentOp {

    /** Applies one operation of an account (not of a non-human account), under its key. */
    void apply(String key, Operation op) throws ConnectorException;
}
