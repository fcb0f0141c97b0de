package org.roster.provisioning.scim;

import com.unboundid.scim2.client.ScimService;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.glassfish.jersey.apache5.connector.Apache5ConnectorProvider;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.roster.runtime.ExclusiveRuns;
import org.springframework.stereotype.Component;

/** Builds {@link ScimConnector}s: a Jersey client per target, with its bearer token and time-outs. */
@Component
public final class ScimConnectorFactory implements ConnectorFactory {

    private final @Nullable ExclusiveRuns runs;

    /** Connectors for a single instance: a group's changes are serialised within it. */
    public ScimConnectorFactory() {
        this(null);
    }

    /** In cluster mode, a group's changes are serialised across instances too, held in the store. */
    @org.springframework.beans.factory.annotation.Autowired
    public ScimConnectorFactory(@Nullable ExclusiveRuns runs) {
        this.runs = runs;
    }

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
        long max = target.maxResponseBytes(); // an answer longer than this fails, and one that drips in for longer than within
        java.time.Duration within = s.timeout().multipliedBy(2);
        java.util.function.Supplier<String> token;
        if (bearer) {
            String fixed = s.token();
            token = () -> fixed;
        } else {
            ClientCredentials credentials = new ClientCredentials(s.oauth(), s.oauth().clientSecret(), s.timeout(), max);
            token = credentials::token;
        }
        Client client = ClientBuilder.newClient(config)
            .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + token.get()))
            .register((jakarta.ws.rs.ext.ReaderInterceptor) read -> {
                read.setInputStream(org.roster.runtime.HttpAnswers.bounded(read.getInputStream(), max, within));
                return read.proceed();
            });
        String base = s.url().endsWith("/") ? s.url().substring(0, s.url().length() - 1) : s.url();
        ExclusiveRuns held = runs;
        ScimConnector.GroupHold hold = held == null || !held.acrossInstances() ? ScimConnector.GroupHold.NONE
            : group -> hold(held, target.name(), group, s.timeout());
        return new ScimConnector(target.name(), s, new ScimService(client.target(base)), client, hold);
    }

    /**
     * Holds {@code group} of {@code target} in the store, waiting at most the target's time-out for
     * another instance to let it go; a longer wait, or a store out of reach, is retried as an operation is.
     */
    private static ScimConnector.GroupHold.Release hold(ExclusiveRuns runs, String target, String group, java.time.Duration wait)
        throws org.roster.provisioning.ConnectorException {
        String key = group.length() <= 80 ? group : java.util.HexFormat.of().formatHex(sha256(group));
        try {
            return runs.await("scim-group:" + target + ":" + key, "dispatch", wait)::close;
        } catch (ExclusiveRuns.Busy e) {
            throw new org.roster.provisioning.RetryableConnectorException("group '" + group + "' of " + target
                + " is being changed by another instance (" + e.holder().instance() + ") for longer than " + wait
                + "; retried");
        } catch (org.springframework.dao.DataAccessException e) {
            throw new org.roster.provisioning.RetryableConnectorException("group '" + group + "' of " + target
                + " could not be held in the store (" + e.getMostSpecificCause().getMessage() + "); retried", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
