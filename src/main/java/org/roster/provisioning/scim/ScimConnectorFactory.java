package org.roster.provisioning.scim;

import com.unboundid.scim2.client.ScimService;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.glassfish.jersey.apache5.connector.Apache5ConnectorProvider;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.springframework.stereotype.Component;

/** Builds {@link ScimConnector}s: a Jersey client per target, with its bearer token and time-outs. */
@Component
public final class ScimConnectorFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "scim";
    }

    @Override
    public Connector create(TargetSettings target) {
        ScimSettings s = target.scim();
        if (s == null || s.url() == null || s.url().isBlank()) {
            throw new IllegalStateException("roster.provisioning.targets[" + target.name() + "].scim.url is required for type scim");
        }
        String where = "roster.provisioning.targets[" + target.name() + "].scim";
        boolean bearer = s.token() != null && !s.token().isBlank();
        if (bearer == (s.oauth() != null)) {
            throw new IllegalStateException(where + ": give either token (a ${ENV_VAR} reference to the application's"
                + " bearer token) or oauth (token-url, client-id, client-secret)");
        }
        if (s.oauth() != null && (s.oauth().tokenUrl() == null || s.oauth().clientId() == null
            || s.oauth().clientSecret() == null || s.oauth().clientSecret().isBlank())) {
            throw new IllegalStateException(where + ".oauth: token-url, client-id and client-secret are required");
        }
        ClientConfig config = new ClientConfig();
        config.connectorProvider(new Apache5ConnectorProvider()); // the JDK connector refuses PATCH
        config.property(ClientProperties.CONNECT_TIMEOUT, (int) s.timeout().toMillis());
        config.property(ClientProperties.READ_TIMEOUT, (int) s.timeout().toMillis());
        java.util.function.Supplier<String> token;
        if (bearer) {
            String fixed = s.token();
            token = () -> fixed;
        } else {
            ClientCredentials credentials = new ClientCredentials(s.oauth(), s.oauth().clientSecret(), s.timeout());
            token = credentials::token;
        }
        Client client = ClientBuilder.newClient(config)
            .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + token.get()));
        String base = s.url().endsWith("/") ? s.url().substring(0, s.url().length() - 1) : s.url();
        return new ScimConnector(target.name(), s, new ScimService(client.target(base)), client);
    }
}
