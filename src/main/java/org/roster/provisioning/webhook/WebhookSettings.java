package org.roster.provisioning.webhook;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code roster.provisioning.targets[].webhook}: where the events go and how they are signed.
 *
 * @param url the receiver, {@code https://...} in production
 * @param secret the HMAC-SHA256 key shared with the receiver: an {@code ${ENV_VAR}} reference
 * @param timeout connect and response time-out (default 10s)
 */
public record WebhookSettings(String url, @Nullable String secret, @Nullable Duration timeout) {

    public WebhookSettings {
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", timeout=" + timeout + "]"; // never the secret
    }
}
