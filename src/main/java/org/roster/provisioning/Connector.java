package org.roster.provisioning;

import java.util.Set;

/**
 * A connection to one target system. A connector implements the capability interfaces its target
 * supports ({@link CreateOp}, {@link UpdateOp}, {@link EnableOp}, {@link EntitlementOp},
 * {@link ReadOp}) and declares them in {@link #capabilities()}; the dispatcher refuses an operation
 * whose capability is missing instead of guessing. Every operation is idempotent: a create that
 * finds the account adopts it, a removal that finds nothing succeeds.
 */
public interface Connector extends AutoCloseable {

    /** The target's name, as in configuration. */
    String name();

    Set<Capability> capabilities();

    /** Releases connections. */
    @Override
    void close();

    enum Capability { CREATE, UPDATE, ENABLE, ENTITLEMENTS, READ, DELETE }
}
