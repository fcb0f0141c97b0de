package org.roster.provisioning.webhook;

import java.time.Clock;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.springframework.stereotype.Component;

/** Builds {@link WebhookConnector}s. */
@Component
public final class WebhookConnectorFactory implements ConnectorFactory {

    private final Clock clock;

    public WebhookConnectorFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public Connector create(TargetSettings target) {
        WebhookSettings s = target.webhook();
        if (s == null || s.url() == null || s.url().isBlank()) {
            throw new IllegalStateException("roster.provisioning.targets[" + target.name() + "].webhook.url is required for type webhook");
        }
        if (s.secret() == null || s.secret().length() < 16) {
            throw new IllegalStateException("roster.provisioning.targets[" + target.name()
                + "].webhook.secret is required, at least 16 characters: a ${ENV_VAR} reference to the shared signing key");
        }
        return new WebhookConnector(target.name(), s, s.secret(), clock, target.maxResponseBytes());
    }
}
