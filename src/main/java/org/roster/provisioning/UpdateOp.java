package org.roster.provisioning;

import java.util.Map;

/** Changes account attributes; an empty value removes the attribute. */
public interface UpdateOp {
    void update(String identity, Map<String, String> changes) throws ConnectorException;
}
