package org.roster.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.roster.runtime.EventDeliveries;
import org.roster.signals.internal.Streams;
import org.springframework.stereotype.Component;

/** Security Event Tokens sent to receivers, for the timeline and the compliance report. */
@Component
class SignalDeliveries implements EventDeliveries {

    private final Streams streams;
    private final SignalsSettings settings;

    SignalDeliveries(Streams streams, SignalsSettings settings) {
        this.streams = streams;
        this.settings = settings;
    }

    @Override
    public List<Delivery> forIdentity(String identity, int limit) {
        return streams.forIdentity(identity, limit).stream().map(s -> new Delivery("ssf", s.owner(),
            SharedSignals.eventName(s.type()), Optional.ofNullable(s.correlationId()).orElse(""), s.identity(),
            status(s.status()), s.createdAt(), s.ackedAt(), s.attempts(), s.hrReceivedAt(), s.lastError())).toList();
    }

    @Override
    public List<ReceiverPeriod> between(Instant from, Instant to, int limit) {
        List<Streams.Sent> acked = streams.ackedBetween(from, to, limit);
        List<ReceiverPeriod> out = new ArrayList<>();
        for (Object[] row : streams.countsByOwner(from, to)) {
            String owner = (String) row[0];
            List<Duration> latencies = acked.stream().filter(s -> s.owner().equals(owner))
                .map(s -> Duration.between(s.hrReceivedAt(), Optional.ofNullable(s.ackedAt()).orElse(s.hrReceivedAt())))
                .toList();
            out.add(new ReceiverPeriod("ssf", owner, settings.slo(), (Long) row[1], (Long) row[2], (Long) row[3],
                latencies.stream().filter(d -> d.compareTo(settings.slo()) > 0).count(), latencies));
        }
        return out;
    }

    private static Status status(String stored) {
        return switch (stored) {
            case "DONE" -> Status.DELIVERED;
            case "DEAD" -> Status.DEAD;
            default -> Status.PENDING;
        };
    }
}
