package org.roster.nhi;

/**
 * Where a rotated credential's new value goes, and the only place it goes: never the log, the API,
 * the store or the audit. Implementations must not keep the value after {@link #deliver} returns.
 */
public interface SecretSink {

    /**
     * Hands over a new value for an NHI's credential.
     *
     * @throws java.io.IOException when it could not be delivered (the rotation is then reported failed)
     */
    void deliver(Nhi nhi, String secret) throws java.io.IOException;
}
