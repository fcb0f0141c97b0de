package org.roster.provisioning;

import java.util.Optional;

/** Reads an account back from the target. */
public interface ReadOp {
    Optional<TargetAccount> read(String identity) throws ConnectorException;
}
