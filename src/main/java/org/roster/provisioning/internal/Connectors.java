package org.roster.provisioning.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.ProvisioningSettings;
import org.roster.provisioning.TargetSettings;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** The configured connectors, one per target, built at start-up by the factory of each target's type. */
@Component
public class Connectors implements DisposableBean {

    private final Map<String, Connector> byName = new LinkedHashMap<>();

    public Connectors(ProvisioningSettings settings, List<ConnectorFactory> factories) {
        Map<String, ConnectorFactory> byType = factories.stream()
            .collect(Collectors.toMap(ConnectorFactory::type, f -> f));
        for (TargetSettings target : settings.targets()) {
            if (target.name() == null || target.name().isBlank()) {
                throw new IllegalStateException("roster.provisioning.targets: every target needs a name");
            }
            if (byName.containsKey(target.name())) {
                throw new IllegalStateException("roster.provisioning.targets: target name '" + target.name()
                    + "' is used twice");
            }
            ConnectorFactory factory = byType.get(target.type());
            if (factory == null) {
                throw new IllegalStateException("roster.provisioning.targets[" + target.name() + "].type: unknown type '"
                    + target.type() + "' (known: " + new TreeSet<>(byType.keySet()) + ")");
            }
            byName.put(target.name(), factory.create(target));
        }
    }

    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    public Optional<Connector> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public void destroy() {
        byName.values().forEach(Connector::close);
    }
}
