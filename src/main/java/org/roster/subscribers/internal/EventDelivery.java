package org.roster.subscribers.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.roster.runtime.WebhookSignature;
import org.roster.runtime.WorkerLoop;
import org.roster.subscribers.LifecycleEvents;
import org.roster.subscribers.SubscriberSettings;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Delivers each subscriber's queue in order, to its Kafka topic ({@link KafkaTopic}) or over a
 * webhook: {@code POST} of the structured CloudEvent
 * ({@code application/cloudevents+json}) signed with {@code X-Roster-Timestamp} and
 * {@code X-Roster-Signature}. Any 2xx acknowledges. 400, 413, 415 and 422 refuse the event for good;
 * anything else, or no answer, is tried again with a backoff from one second to five minutes, up to
 * the subscriber's {@code max-attempts}, and the events behind it wait, so a subscriber sees one
 * identity's events in the order they happened. Subscribers are served side by side.
 */
@Component
class EventDelivery extends WorkerLoop {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EventDelivery.class);
    private static final int BATCH = 200;

    private final EventQueue queue;
    private final LifecycleEvents events;
    private final SubscriberSettings settings;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    private final ExecutorService senders = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "roster-events-send");
        t.setDaemon(true);
        return t;
    });

    EventDelivery(EventQueue queue, LifecycleEvents events, SubscriberSettings settings, Clock clock) {
        super("roster-events-delivery");
        this.queue = queue;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener
    void on(LifecycleEvents.Queued queued) {
        wake();
    }

    /** Kafka producers, one per subscriber that reads a topic, made when first needed. */
    private final Map<String, KafkaTopic> topics = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void stop() {
        super.stop();
        senders.shutdownNow();
        topics.values().forEach(KafkaTopic::close);
    }

    @Override
    protected long pass() {
        clearWakeUps();
        AtomicLong sleep = new AtomicLong(60_000);
        List<Callable<Void>> work = new ArrayList<>();
        for (Map.Entry<String, SubscriberSettings.Subscriber> e : settings.subscribers().entrySet()) {
            work.add(() -> {
                try {
                    sleep.accumulateAndGet(deliver(e.getKey(), e.getValue()), Math::min);
                } catch (RuntimeException failure) {
                    // the store or the subscriber's client failed (a Kafka producer that cannot start):
                    // nothing was recorded as delivered, so the next pass tries again
                    log.warn("delivering to subscriber {} failed: {} (its message is not logged: it may quote the client's settings)",
                        e.getKey(), failure.getClass().getName());
                    sleep.accumulateAndGet(1_000, Math::min);
                }
                return null;
            });
        }
        try {
            senders.invokeAll(work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sleep.get();
    }

    /** Delivers one subscriber's due events in order; how long until it has more due. */
    private long deliver(String name, SubscriberSettings.Subscriber s) {
        List<EventQueue.Queued> pending = queue.pending(name, BATCH);
        if (pending.isEmpty()) {
            return 60_000;
        }
        Instant now = clock.instant();
        if (pending.get(0).nextAttemptAt().isAfter(now)) {
            return Math.max(1, Duration.between(now, pending.get(0).nextAttemptAt()).toMillis());
        }
        List<EventQueue.Queued> acked = new ArrayList<>();
        long next = pending.size() == BATCH ? 0 : 60_000;
        if (s.kafka() != null) {
            KafkaTopic.Sent sent = topics.computeIfAbsent(name, n -> new KafkaTopic(n, s)).send(pending);
            if (sent.acknowledged() > 0) {
                events.delivered(name, pending.subList(0, sent.acknowledged()));
            }
            if (sent.acknowledged() < pending.size()) {
                failed(name, s, pending.get(sent.acknowledged()), sent.error() == null ? "not acknowledged" : sent.error(),
                    false);
                return 0;
            }
            return next;
        }
        for (EventQueue.Queued q : pending) {
            if (stopping()) {
                break;
            }
            if (!send(name, s, q)) {
                next = 0; // the backoff is read from the head on the next pass
                break;
            }
            acked.add(q);
        }
        if (!acked.isEmpty()) {
            events.delivered(name, acked);
        }
        return next;
    }

    private boolean send(String name, SubscriberSettings.Subscriber s, EventQueue.Queued q) {
        byte[] body = q.body().getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String error;
        boolean permanent = false;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(Objects.requireNonNull(s.url()))).timeout(s.timeout())
                .header("Content-Type", "application/cloudevents+json; charset=UTF-8")
                .header("X-Roster-Timestamp", timestamp)
                .header("X-Roster-Signature", "sha256=" + WebhookSignature.sign(
                    Objects.requireNonNull(s.secret()).getBytes(StandardCharsets.UTF_8), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            int status = org.roster.runtime.HttpAnswers.status(http, request, s.timeout().multipliedBy(2));
            if (status >= 200 && status < 300) {
                return true;
            }
            permanent = status == 400 || status == 413 || status == 415 || status == 422;
            error = "the subscriber answered " + status;
        } catch (java.io.IOException e) {
            error = "the subscriber could not be reached: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        failed(name, s, q, error, permanent);
        return false;
    }

    /** A failed attempt: tried again after a backoff, or given up when refused or out of attempts. */
    private void failed(String name, SubscriberSettings.Subscriber s, EventQueue.Queued q, String error, boolean permanent) {
        boolean dead = permanent || q.attempts() + 1 >= s.maxAttempts();
        long backoff = Math.min(300_000L, 1_000L << Math.min(q.attempts(), 18));
        queue.retry(q.id(), clock.instant().plusMillis(backoff), error, dead);
        if (dead) {
            log.warn("lifecycle event {} ({}) for subscriber {} given up: {}", q.eventId(), q.type(), name, error);
        }
    }
}
