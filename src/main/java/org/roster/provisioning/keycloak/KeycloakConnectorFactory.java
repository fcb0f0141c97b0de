package org.roster.provisioning.keycloak;

import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.springframework.stereotype.Component;

/** Builds {@link KeycloakConnector}s. */
@Component
public final class KeycloakConnectorFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "keycloak";
    }

    @Override
    public Connector create(TargetSettings target) {
        KeycloakSettings s = target.keycloak();
        String where = "roster.provisioning.targets[" + target.name() + "].keycloak";
        if (s == null || s.url() == null || s.realm() == null || s.clientId() == null) {
            throw new IllegalStateException(where + ": url, realm and client-id are required for type keycloak");
        }
        if (s.clientSecret() == null || s.clientSecret().isBlank()) {
            throw new IllegalStateException(where + ".client-secret is required: a ${ENV_VAR} reference");
        }
        return new KeycloakConnector(target.name(), s, s.clientSecret(), target.maxResponseBytes());
    }
}
