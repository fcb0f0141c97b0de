package org.roster.hr;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.internal.QuarantineRepository;
import org.roster.hr.internal.WorkerFields;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HR change events pushed by webhook. A delivery is authenticated by an HMAC-SHA256 over
 * {@code <timestamp>.<body>} with the source's shared secret, and refused when its timestamp is
 * outside the tolerance (a replay). Each event carries an id: an event already received has no
 * second effect. Each event is applied on its own: one that fails validation is quarantined with
 * the field and the reason, and the rest of the delivery proceeds.
 *
 * <p>An event: {@code {"eventId": "...", "employeeNumber": "...", "changes": {"department": "..."}}};
 * a delivery is one event or {@code {"events": [...]}}.
 */
@Service
public final class WebhookEvents {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HrSourceSettings settings;
    private final HrRecords records;
    private final QuarantineRepository quarantine;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public WebhookEvents(HrSourceSettings settings, HrRecords records, QuarantineRepository quarantine, AuditLog audit,
                         TransactionTemplate tx, Clock clock) {
        this.settings = settings;
        this.records = records;
        this.quarantine = quarantine;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.reading = new java.util.concurrent.Semaphore(settings.maxWebhookReads());
    }

    /** What became of one event. */
    public record Outcome(@Nullable String eventId, @Nullable String employeeNumber, Kind outcome,
                          @Nullable String quarantineId, @Nullable String field, @Nullable String reason) {
        public enum Kind { ACCEPTED, UNCHANGED, DUPLICATE, QUARANTINED }
    }

    /** What the body of a delivery is read from, once everything that can be checked without it has been. */
    public interface Body {
        /** At most {@code limit} bytes; more is refused ({@link HrTooLargeException}). */
        byte[] read(int limit) throws java.io.IOException;
    }

    /** A delivery larger than {@code roster.hr.max-webhook-size}, or more deliveries at once than may be read. */
    public static final class HrTooLargeException extends RuntimeException {
        private final boolean busy;

        public HrTooLargeException(String message, boolean busy) {
            super(message);
            this.busy = busy;
        }

        /** True when the delivery was refused because too many were being read at once (retry later). */
        public boolean busy() {
            return busy;
        }
    }

    private final java.util.concurrent.Semaphore reading;

    /**
     * Receives a delivery. Everything that can be checked before the body is read is checked first
     * (the source, the signature and timestamp headers, the replay window, the declared length), so
     * an unauthenticated sender cannot make Roster read large bodies; then the body is read, at most
     * {@code max-webhook-size}, by at most {@code max-webhook-reads} deliveries at once, and its
     * signature verified before it is parsed.
     *
     * @param declaredLength the Content-Length, or -1 when not given
     */
    public List<Outcome> receive(String sourceName, long declaredLength, Body reader, @Nullable String signature,
                                 @Nullable String timestamp) throws java.io.IOException {
        HrSourceSettings.Source source = settings.source(sourceName)
            .filter(s -> "webhook".equals(s.type()))
            .orElseThrow(() -> new HrValidationException("source", "no webhook source named '" + sourceName + "'"));
        checkHeaders(source, signature, timestamp);
        int limit = (int) settings.maxWebhookSize().toBytes();
        if (declaredLength > limit) {
            throw new HrTooLargeException("the delivery is " + declaredLength + " bytes; at most " + limit
                + " (roster.hr.max-webhook-size)", false);
        }
        if (!reading.tryAcquire()) {
            throw new HrTooLargeException("too many webhook deliveries are being read at once; retry shortly", true);
        }
        byte[] body;
        try {
            body = reader.read(limit);
        } finally {
            reading.release();
        }
        return receive(source, body, signature, timestamp);
    }

    private List<Outcome> receive(HrSourceSettings.Source source, byte[] body, @Nullable String signature,
                                  @Nullable String timestamp) {
        authenticate(source, body, java.util.Objects.requireNonNull(signature), java.util.Objects.requireNonNull(timestamp));
        JsonNode delivery;
        try {
            delivery = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new HrValidationException("body", "is not valid JSON: " + e.getOriginalMessage());
        }
        List<JsonNode> events = new ArrayList<>();
        if (delivery != null && delivery.has("events")) {
            if (!delivery.get("events").isArray()) {
                throw new HrValidationException("events", "must be an array");
            }
            delivery.get("events").forEach(events::add);
        } else if (delivery != null && delivery.isObject()) {
            events.add(delivery);
        } else {
            throw new HrValidationException("body", "must be an event object or {\"events\": [...]}");
        }
        if (events.size() > settings.maxEventsPerRequest()) {
            throw new HrValidationException("events", events.size() + " events in one delivery; at most "
                + settings.maxEventsPerRequest());
        }
        String actor = "source:" + source.name();
        List<Outcome> outcomes = new ArrayList<>();
        records.batch(source.name(), "webhook delivery of " + events.size() + " event(s) from " + source.name(), actor, () -> {
            for (JsonNode event : events) {
                outcomes.add(apply(source.name(), event, actor, null));
            }
            return outcomes;
        });
        return outcomes;
    }

    /**
     * Applies events as a preview does: in the caller's transaction (which the preview rolls back),
     * with nothing recorded as received and nothing quarantined.
     *
     * @return per event, the validation error, or null when it applied
     */
    public List<@Nullable String> applyForPreview(List<JsonNode> events, String source) {
        List<@Nullable String> errors = new ArrayList<>();
        for (JsonNode event : events) {
            try {
                String employeeNumber = text(event, "employeeNumber");
                if (employeeNumber == null) {
                    throw new HrValidationException("employeeNumber", "is required");
                }
                JsonNode changes = event.path("changes");
                if (!changes.isObject()) {
                    throw new HrValidationException("changes", "must be an object of worker fields");
                }
                records.upsert(employeeNumber, WorkerFields.fields(changes), source, "preview");
                errors.add(null);
            } catch (HrValidationException e) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /**
     * Applies one event, or quarantines it. Also the path a released quarantined record takes again
     * ({@code releasing} is then its quarantine id).
     */
    Outcome apply(String source, JsonNode event, String actor, @Nullable String releasing) {
        String eventId = text(event, "eventId");
        String employeeNumber = text(event, "employeeNumber");
        try {
            if (eventId == null) {
                throw new HrValidationException("eventId", "is required: it makes a redelivery harmless");
            }
            if (employeeNumber == null) {
                throw new HrValidationException("employeeNumber", "is required");
            }
            JsonNode changes = event.path("changes");
            if (!changes.isObject()) {
                throw new HrValidationException("changes", "must be an object of worker fields");
            }
            Outcome accepted = tx.execute(status -> {
                if (releasing == null && quarantine.inboundOutcome(source, eventId).isPresent()) {
                    return new Outcome(eventId, employeeNumber, Outcome.Kind.DUPLICATE, null, null, null);
                }
                HrRecords.Result r = records.upsert(employeeNumber, WorkerFields.fields(changes), source, actor);
                Outcome.Kind kind = r.changed() ? Outcome.Kind.ACCEPTED : Outcome.Kind.UNCHANGED;
                if (releasing == null) {
                    quarantine.recordInbound(source, eventId, clock.instant(), kind.name());
                }
                return new Outcome(eventId, employeeNumber, kind, null, null, null);
            });
            if (accepted == null) {
                throw new IllegalStateException("transaction returned nothing");
            }
            return accepted;
        } catch (DuplicateKeyException e) {
            return new Outcome(eventId, employeeNumber, Outcome.Kind.DUPLICATE, null, null, null);
        } catch (HrValidationException e) {
            if (releasing != null) {
                throw e;
            }
            return quarantine(source, eventId, employeeNumber, event, e, actor);
        }
    }

    private Outcome quarantine(String source, @Nullable String eventId, @Nullable String employeeNumber, JsonNode event,
                               HrValidationException e, String actor) {
        String id = UUID.randomUUID().toString();
        tx.executeWithoutResult(status -> {
            if (eventId != null && quarantine.inboundOutcome(source, eventId).isPresent()) {
                return;
            }
            quarantine.insert(new QuarantinedRecord(id, source, eventId, employeeNumber, event.toString(), e.field(),
                e.reason(), QuarantinedRecord.Status.OPEN, clock.instant(), null, null));
            if (eventId != null) {
                quarantine.recordInbound(source, eventId, clock.instant(), "QUARANTINED " + id);
            }
            audit.append(new AuditEntry(employeeNumber, "QUARANTINED", AuditEntry.Stage.REQUEST, actor, null,
                "event " + eventId + " from " + source + " quarantined: " + e.getMessage(), null));
        });
        return new Outcome(eventId, employeeNumber, Outcome.Kind.QUARANTINED, id, e.field(), e.reason());
    }

    /** The checks that need no body: a secret to verify with, both headers, a timestamp inside the replay window. */
    private void checkHeaders(HrSourceSettings.Source source, @Nullable String signature, @Nullable String timestamp) {
        if (source.secret() == null || source.secret().isEmpty()) {
            throw new HrAuthenticationException("source " + source.name() + " has no secret configured");
        }
        if (signature == null || timestamp == null) {
            throw new HrAuthenticationException("X-Roster-Signature and X-Roster-Timestamp are required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new HrAuthenticationException("X-Roster-Timestamp must be Unix seconds");
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (skew.compareTo(settings.webhookTolerance()) > 0) {
            throw new HrAuthenticationException("X-Roster-Timestamp is " + skew.toSeconds()
                + "s away from now; refused as a possible replay (tolerance " + settings.webhookTolerance().toSeconds() + "s)");
        }
        if (!signature.trim().matches("sha256=[0-9a-fA-F]{64}")) {
            throw new HrAuthenticationException("X-Roster-Signature must be sha256=<64 hex digits>");
        }
    }

    private void authenticate(HrSourceSettings.Source source, byte[] body, String signature, String timestamp) {
        byte[] expected = ("sha256=" + sign(source.secret(), timestamp.trim(), body)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            throw new HrAuthenticationException("X-Roster-Signature does not match the body");
        }
    }

    /** Hex HMAC-SHA256 of {@code <timestamp>.<body>}: what a webhook sender puts after {@code sha256=}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        return org.roster.runtime.WebhookSignature.sign(secret.getBytes(StandardCharsets.UTF_8), timestamp, body);
    }

    private static @Nullable String text(JsonNode event, String field) {
        JsonNode v = event.path(field);
        return v.isString() && !v.stringValue().isBlank() ? v.stringValue().trim() : null;
    }
}
