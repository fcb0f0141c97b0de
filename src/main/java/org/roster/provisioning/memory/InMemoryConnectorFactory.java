package org.roster.provisioning.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.springframework.stereotype.Component;

/** Builds {@link InMemoryConnector}s for targets of {@code type: memory}, and keeps them for inspection. */
@Component
public final class InMemoryConnectorFactory implements ConnectorFactory {

    private final Map<String, InMemoryConnector> built = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public Connector create(TargetSettings settings) {
        InMemoryConnector c = new InMemoryConnector(settings.name());
        built.put(settings.name(), c);
        return c;
    }

    /** The connector built for a target, so that tests can look inside it. */
    public Optional<InMemoryConnector> connector(String target) {
        return Optional.ofNullable(built.get(target));
    }
}
