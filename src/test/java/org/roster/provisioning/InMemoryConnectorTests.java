package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.roster.provisioning.memory.InMemoryConnector;

class InMemoryConnectorTests extends ConnectorContract {

    @Override
    protected Connector newConnector() {
        return new InMemoryConnector("memory");
    }

    @Test
    void unreachableTargetFailsRetryably() {
        ((InMemoryConnector) connector).setUnreachable(true);

        assertThatThrownBy(() -> ((CreateOp) connector).create(identity, attributes()))
            .isInstanceOf(RetryableConnectorException.class);
    }
}
