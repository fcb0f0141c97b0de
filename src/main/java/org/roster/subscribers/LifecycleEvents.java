package org.roster.subscribers;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.Worker;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.TransitionKind;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.provisioning.OperationsAcknowledged;
import org.roster.runtime.EventDeliveries;
import org.roster.subscribers.internal.EventQueue;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns lifecycle transitions and acknowledged access changes into CloudEvents 1.0 events (JSON,
 * structured mode) and queues each, in the transaction of the change that caused it, for every
 * subscriber whose type filter takes it; records what subscribers acknowledged. The events a
 * subscriber gets carry the same {@code id} on every attempt, so a subscriber drops repeats.
 */
@Service
public class LifecycleEvents implements EventDeliveries {

    /** Every type Roster sends: {@code org.roster.lifecycle.<transition>}, {@code org.roster.access.<change>}, {@code org.roster.nhi.<change>}. */
    public static final List<String> TYPES = Stream.concat(
        Stream.of(TransitionKind.values()).map(LifecycleEvents::lifecycleType),
        Stream.of(OperationKind.values()).map(LifecycleEvents::accessType)).toList();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonFormat FORMAT = new JsonFormat();

    private final SubscriberSettings settings;
    private final EventQueue queue;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;

    LifecycleEvents(SubscriberSettings settings, EventQueue queue, AuditLog audit, TransactionTemplate tx, Clock clock,
                    ApplicationEventPublisher events, MeterRegistry meters) {
        this.settings = settings;
        this.queue = queue;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
        settings.subscribers().keySet().forEach(name -> meters.counter("roster.events.slo.breaches", "subscriber", name));
    }

    static String lifecycleType(TransitionKind kind) {
        return "org.roster.lifecycle." + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String accessType(OperationKind kind) {
        return switch (kind) {
            case CREATE -> "org.roster.access.account-created";
            case UPDATE -> "org.roster.access.account-updated";
            case ENABLE -> "org.roster.access.account-enabled";
            case DISABLE -> "org.roster.access.account-disabled";
            case ADD_ENTITLEMENT -> "org.roster.access.entitlement-added";
            case REMOVE_ENTITLEMENT -> "org.roster.access.entitlement-removed";
            case DELETE -> "org.roster.access.account-deleted";
            case NHI_ROTATE -> "org.roster.nhi.credential-rotated";
            case NHI_DISABLE -> "org.roster.nhi.disabled";
            case NHI_DELETE -> "org.roster.nhi.deleted";
        };
    }

    /** Something was queued: the delivery loop looks. */
    public record Queued() {
    }

    /** A transition HR caused, queued in the HR change's own transaction. */
    @EventListener
    void on(IdentityTransitioned t) {
        String type = lifecycleType(t.kind());
        List<String> to = takers(type);
        if (to.isEmpty()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("employeeNumber", t.employeeNumber());
        data.put("transition", t.kind().name());
        data.put("from", t.from() == null ? null : t.from().name());
        data.put("to", t.to().name());
        data.put("epoch", t.epoch());
        data.put("changes", t.changes());
        if (t.kind() == TransitionKind.MOVER || t.kind() == TransitionKind.CONVERSION || t.kind() == TransitionKind.UPDATE) {
            data.put("moved", t.fieldChanges());
        }
        data.put("worker", worker(t.worker()));
        data.put("hrSource", t.source());
        data.put("hrReceivedAt", t.receivedAt().toString());
        queue(to, type, t.employeeNumber(), t.employeeNumber(), t.hrEventId(), t.receivedAt(), data);
    }

    /** Access that changed on a target, once the target acknowledged it; in the acknowledgement's transaction. */
    @EventListener
    void on(OperationsAcknowledged acknowledged) {
        if (settings.subscribers().isEmpty()) {
            return;
        }
        for (OperationsAcknowledged.Acknowledged a : acknowledged.operations()) {
            Operation op = a.operation();
            String type = accessType(op.kind());
            List<String> to = takers(type);
            if (to.isEmpty()) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put(op.kind().nonHuman() ? "nhi" : "employeeNumber", op.identity());
            data.put("target", op.target());
            data.put("operation", op.kind().name());
            if (op.entitlement() != null) {
                data.put("entitlement", op.entitlement());
            }
            data.put("reason", op.reason());
            data.put("hrReceivedAt", a.hrReceivedAt().toString());
            data.put("acknowledgedAt", a.at().toString());
            data.put("propagationMs", Duration.between(a.hrReceivedAt(), a.at()).toMillis());
            queue(to, type, op.identity(), op.identity(), a.correlationId(), a.hrReceivedAt(), data);
        }
    }

    private List<String> takers(String type) {
        List<String> to = new ArrayList<>(2);
        settings.subscribers().forEach((name, s) -> {
            if (s.takes(type)) {
                to.add(name);
            }
        });
        return to;
    }

    private void queue(List<String> subscribers, String type, String subject, @Nullable String identity, String correlation,
                       Instant hrReceivedAt, Map<String, Object> data) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        CloudEvent event = CloudEventBuilder.v1().withId(id).withSource(URI.create(settings.source())).withType(type)
            .withSubject(subject).withTime(now.atOffset(ZoneOffset.UTC)).withDataContentType("application/json")
            .withExtension("correlationid", correlation)
            .withData(BytesCloudEventData.wrap(JSON.writeValueAsBytes(data))).build();
        String body = new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
        queue.queue(subscribers.stream().map(s -> new EventQueue.New(s, id, type, body, identity, correlation, hrReceivedAt))
            .toList(), now);
        org.roster.store.AfterCommit.run(() -> events.publishEvent(new Queued()));
    }

    private static Map<String, Object> worker(Worker w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userName", w.userName());
        m.put("displayName", w.displayName());
        m.put("email", w.email());
        m.put("title", w.title());
        m.put("department", w.department());
        m.put("costCenter", w.costCenter());
        m.put("manager", w.managerEmployeeNumber());
        m.put("location", w.location());
        m.put("workerType", w.workerType().name());
        m.put("employmentStatus", w.employmentStatus().name());
        m.put("startDate", w.startDate() == null ? null : w.startDate().toString());
        m.put("endDate", w.endDate() == null ? null : w.endDate().toString());
        return m;
    }

    /** A subscriber acknowledged these events (in its queue's order): recorded, timed and audited together. */
    public void delivered(String subscriber, List<EventQueue.Queued> acked) {
        SubscriberSettings.Subscriber s = settings.subscribers().get(subscriber);
        Duration slo = s == null ? Duration.ofSeconds(60) : s.slo();
        Instant now = clock.instant();
        List<AuditEntry> records = new ArrayList<>(acked.size());
        Timer timer = Timer.builder("roster.events.delivery")
            .description("Time from the HR change to a subscriber acknowledging its lifecycle event")
            .tag("subscriber", subscriber).publishPercentileHistogram().register(meters);
        int breaches = 0;
        for (EventQueue.Queued q : acked) {
            Duration took = Duration.between(q.hrReceivedAt(), now);
            boolean breached = took.compareTo(slo) > 0;
            breaches += breached ? 1 : 0;
            timer.record(took);
            records.add(new AuditEntry(q.identity(), "EVENT_DELIVERED", AuditEntry.Stage.EXECUTION, "roster", null,
                q.type() + " " + q.eventId() + " acknowledged by subscriber " + subscriber + " " + took.toMillis()
                    + " ms after the HR change" + (breached ? ", above the " + slo.toSeconds() + " s objective" : ""),
                q.correlationId()));
        }
        int late = breaches;
        tx.executeWithoutResult(t -> {
            queue.delivered(acked.stream().map(EventQueue.Queued::id).toList(), now);
            audit.appendAll(records);
        });
        if (late > 0) {
            meters.counter("roster.events.slo.breaches", "subscriber", subscriber).increment(late);
        }
    }

    /** One subscriber as an operator sees it: what it takes, and how its queue stands. */
    public record SubscriberStatus(String name, String url, List<String> types, Duration slo, long pending, long dead,
                         @Nullable Instant lastDelivered) {
    }

    public List<SubscriberStatus> subscribers() {
        List<SubscriberStatus> out = new ArrayList<>();
        settings.subscribers().forEach((name, s) -> out.add(new SubscriberStatus(name, s.address(),
            s.types(), s.slo(), queue.count(name, "PENDING"), queue.count(name, "DEAD"), queue.lastDelivered(name).orElse(null))));
        return out;
    }

    @Override
    public List<Delivery> forIdentity(String identity, int limit) {
        return queue.forIdentity(identity, limit).stream().map(q -> new Delivery("cloudevents", q.subscriber(), q.type(),
            q.correlationId(), q.identity(), status(q.status()), q.createdAt(), q.ackedAt(), q.attempts(), q.hrReceivedAt(),
            q.lastError())).toList();
    }

    @Override
    public List<ReceiverPeriod> between(Instant from, Instant to, int limit) {
        List<ReceiverPeriod> out = new ArrayList<>();
        settings.subscribers().forEach((name, s) -> {
            List<Duration> latencies = queue.deliveredBetween(name, from, to, limit).stream()
                .map(q -> Duration.between(q.hrReceivedAt(), Optional.ofNullable(q.ackedAt()).orElse(q.hrReceivedAt()))).toList();
            out.add(new ReceiverPeriod("cloudevents", name, s.slo(), queue.countDeliveredBetween(name, from, to),
                queue.count(name, "PENDING"), queue.count(name, "DEAD"),
                latencies.stream().filter(d -> d.compareTo(s.slo()) > 0).count(), latencies));
        });
        return out;
    }

    private static Status status(String stored) {
        return switch (stored) {
            case "DELIVERED" -> Status.DELIVERED;
            case "DEAD" -> Status.DEAD;
            default -> Status.PENDING;
        };
    }
}
