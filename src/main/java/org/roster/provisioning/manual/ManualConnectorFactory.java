package org.roster.provisioning.manual;

import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.springframework.stereotype.Component;

/** Builds {@link ManualConnector}s. */
@Component
public final class ManualConnectorFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "manual";
    }

    @Override
    public Connector create(TargetSettings target) {
        return new ManualConnector(target.name(), target.manual() == null ? new ManualSettings(null, null) : target.manual());
    }
}
