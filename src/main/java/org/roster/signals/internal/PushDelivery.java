package org.roster.signals.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.roster.runtime.WorkerLoop;
import org.roster.signals.SharedSignals;
import org.roster.signals.SignalsSettings;
import org.roster.signals.Stream;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pushes queued Security Event Tokens to their receivers (RFC 8935): {@code POST} with
 * {@code Content-Type: application/secevent+jwt} and the stream's authorization header. A 202 (or
 * 200) acknowledges; a 400 refuses the token for good; anything else, or no answer, is tried again
 * with a backoff from one second to five minutes, up to {@code max-attempts}. Woken when events are
 * queued; one receiver that is down delays only its own events' retries.
 */
@Component
class PushDelivery extends WorkerLoop {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PushDelivery.class);

    private final Streams streams;
    private final SharedSignals signals;
    private final SignalsSettings settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    /** Streams are pushed to side by side, each stream's events in order: a slow receiver holds up only itself. */
    private final java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "roster-ssf-send");
        t.setDaemon(true);
        return t;
    });

    PushDelivery(Streams streams, SharedSignals signals, SignalsSettings settings, TransactionTemplate tx, Clock clock) {
        super("roster-ssf-push");
        this.streams = streams;
        this.signals = signals;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener
    void on(SharedSignals.Queued queued) {
        wake();
    }

    @Override
    public void stop() {
        super.stop();
        senders.shutdownNow();
    }

    /** Pushes one event; true when the receiver acknowledged it (recorded by the caller). */
    private boolean push(@org.jspecify.annotations.Nullable Stream s, @org.jspecify.annotations.Nullable String authorization,
                         Streams.Queued q) {
        if (s == null || s.endpointUrl() == null) {
            streams.retry(q.id(), clock.instant(), "the stream has no endpoint", true);
            return false;
        }
        String error;
        boolean permanent = false;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.endpointUrl())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/secevent+jwt").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(signals.sign(q.token())));
            if (authorization != null && !authorization.isBlank()) {
                request.header("Authorization", authorization);
            }
            int status = org.roster.runtime.HttpAnswers.status(http, request.build(), Duration.ofSeconds(20));
            if (status == 202 || status == 200) {
                return true;
            }
            permanent = status == 400;
            error = "the receiver answered " + status;
        } catch (java.io.IOException e) {
            error = "the receiver could not be reached: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IllegalArgumentException e) {
            error = "the stream's endpoint is not a URL";
            permanent = true;
        }
        boolean dead = permanent || q.attempts() + 1 >= settings.maxAttempts();
        long backoff = Math.min(300_000L, 1_000L << Math.min(q.attempts(), 18));
        streams.retry(q.id(), clock.instant().plusMillis(backoff), error, dead);
        if (dead) {
            log.warn("Security Event Token {} for stream {} given up: {}", q.jti(), s.id(), error);
        }
        return false;
    }

    @Override
    protected long pass() {
        List<Streams.Queued> due = streams.duePush(clock.instant(), 500);
        if (due.isEmpty()) {
            clearWakeUps();
            Instant now = clock.instant();
            return streams.nextPushDue().map(d -> Math.max(1, Math.min(60_000, Duration.between(now, d).toMillis())))
                .orElse(60_000L);
        }
        java.util.Map<String, List<Streams.Queued>> byStream = new java.util.LinkedHashMap<>();
        due.forEach(q -> byStream.computeIfAbsent(q.stream(), k -> new java.util.ArrayList<>()).add(q));
        List<java.util.concurrent.Callable<Void>> work = new java.util.ArrayList<>();
        byStream.forEach((stream, events) -> work.add(() -> {
            Stream s = streams.find(stream).orElse(null);
            String authorization = s == null ? null : streams.authorization(stream).orElse(null);
            List<Streams.Queued> acked = new java.util.ArrayList<>();
            for (Streams.Queued q : events) {
                if (stopping() || !push(s, authorization, q)) {
                    break; // the receiver is down or refusing: its later events wait for the retry
                }
                acked.add(q);
            }
            if (s != null && !acked.isEmpty()) {
                tx.executeWithoutResult(t -> signals.deliveredAll(s, acked.stream()
                    .flatMap(q -> streams.acknowledge(s.id(), q.jti(), clock.instant()).stream()).toList()));
            }
            return null;
        }));
        try {
            senders.invokeAll(work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
