package org.roster.nhi.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.roster.nhi.Nhi;
import org.roster.nhi.NhiSettings;
import org.roster.nhi.SecretSink;
import org.roster.plan.Operation;
import org.roster.provisioning.SecretDelivery;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Hands a rotated credential to the configured secret sinks: a {@link SecretSink} bean if the
 * application has one, otherwise {@code roster.nhi.sink.directory} and {@code roster.nhi.sink.url},
 * each of which must take it for the rotation to count as done.
 */
@Component
public class NhiSecretDelivery implements SecretDelivery {

    private final NhiRepository repository;
    private final List<SecretSink> sinks = new ArrayList<>();

    NhiSecretDelivery(NhiRepository repository, NhiSettings settings, Clock clock, ObjectProvider<SecretSink> custom) {
        this.repository = repository;
        SecretSink given = custom.getIfAvailable();
        NhiSettings.Sink sink = settings.sink();
        if (given != null) {
            sinks.add(given);
        } else if (sink != null) {
            if (sink.directory() != null) {
                sinks.add(new FileSecretSink(sink.directory()));
            }
            if (sink.url() != null && sink.secret() != null) {
                sinks.add(new WebhookSecretSink(sink.url(), sink.secret(), sink.timeout(), clock));
            }
        }
    }

    @Override
    public boolean available() {
        return !sinks.isEmpty();
    }

    @Override
    public void deliver(Operation rotation, String secret) throws IOException {
        String key = rotation.identity();
        Nhi nhi = repository.find(key.startsWith("nhi:") ? key.substring(4) : key)
            .orElseThrow(() -> new IOException("no NHI " + key + " in the inventory"));
        for (SecretSink sink : sinks) {
            sink.deliver(nhi, secret);
        }
    }
}
