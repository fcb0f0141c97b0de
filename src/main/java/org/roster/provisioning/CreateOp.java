package org.roster.provisioning;

import java.util.Map;

/** Creates an account, enabled. Adopts an existing account of the same identity instead of failing. */
public interface CreateOp {
    void create(String identity, Map<String, String> attributes) throws ConnectorException;
}
