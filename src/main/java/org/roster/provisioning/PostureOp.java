package org.roster.provisioning;

import java.time.Duration;
import java.util.Map;

/** Reads how long the target's tokens and sessions live: a long-lived token outlives any revocation. */
public interface PostureOp {
    /** Lifetime by setting name, e.g. {@code accessTokenLifespan}; a setting that is off is left out. */
    Map<String, Duration> lifetimes() throws ConnectorException;
}
