package org.roster.provisioning;

import org.roster.plan.Operation;

/**
 * Where the new value of a credential rotated by an {@code NHI_ROTATE} operation goes, at once, in
 * the dispatcher: the operation is acknowledged only once it was delivered. A delivery that fails
 * leaves the operation to be retried, which rotates again, so the value a target holds is always
 * one the sink was given (a crash between the two rotates once more). Implemented by the NHI
 * module's secret sinks; the value is never logged, stored or put in a message.
 */
public interface SecretDelivery {

    /** Whether a sink is configured at all; without one nothing may be rotated. */
    boolean available();

    /**
     * @throws java.io.IOException when the value could not be delivered
     */
    void deliver(Operation rotation, String secret) throws java.io.IOException;
}
