package org.roster.signals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.TransitionKind;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.runtime.Refusal;
import org.roster.signals.internal.SigningKeys;
import org.roster.signals.internal.Streams;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The OpenID Shared Signals Framework 1.0 transmitter. Receivers (API tokens with the role
 * {@code receiver}) manage their own streams; what HR and Roster decide becomes Security Event
 * Tokens (RFC 8417), signed ES256 when sent with keys published as a JWKS: a leaver's CAEP
 * {@code session-revoked} and RISC {@code account-disabled}, a rehire's RISC {@code account-enabled},
 * an NHI's CAEP {@code credential-change}. Each is queued, in the transaction of the change that
 * caused it, for every stream that asked for its type (and, when the stream names subjects, is about
 * one of them), then pushed (RFC 8935) or polled (RFC 8936) and kept until acknowledged.
 */
@Service
public class SharedSignals {

    public static final String PUSH = "urn:ietf:rfc:8935";
    public static final String POLL = "urn:ietf:rfc:8936";
    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public static final String CREDENTIAL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    public static final String TOKEN_CLAIMS_CHANGE =
        "https://schemas.openid.net/secevent/caep/event-type/token-claims-change";
    public static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    public static final String ACCOUNT_ENABLED = "https://schemas.openid.net/secevent/risc/event-type/account-enabled";
    public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";
    /** What a stream may ask for (verification is always delivered). */
    public static final List<String> SUPPORTED = List.of(SESSION_REVOKED, ACCOUNT_DISABLED, ACCOUNT_ENABLED,
        CREDENTIAL_CHANGE, TOKEN_CLAIMS_CHANGE);

    private final Streams streams;
    private final SigningKeys keys;
    private final HrRecords hr;
    private final AuditLog audit;
    private final SignalsSettings settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public SharedSignals(Streams streams, SigningKeys keys, HrRecords hr, AuditLog audit, SignalsSettings settings,
                         TransactionTemplate tx, Clock clock, ApplicationEventPublisher events,
                         io.micrometer.core.instrument.MeterRegistry meters) {
        this.meters = meters;
        this.streams = streams;
        this.keys = keys;
        this.hr = hr;
        this.audit = audit;
        this.settings = settings;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /** A request a transmitter refuses, naming the field. */
    public static final class SignalsException extends Refusal {
        public SignalsException(Why why, String field, String reason) {
            super(why, field, field + ": " + reason);
        }
    }

    /** The issuer: configured, or the base URL the request came to. */
    public String issuer(String base) {
        return settings.issuer() != null ? settings.issuer() : base;
    }

    /** {@code /.well-known/ssf-configuration}. */
    public Map<String, Object> configuration(String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec_version", "1_0");
        m.put("issuer", issuer(base));
        m.put("jwks_uri", base + "/ssf/jwks");
        m.put("delivery_methods_supported", List.of(PUSH, POLL));
        m.put("configuration_endpoint", base + "/ssf/streams");
        m.put("status_endpoint", base + "/ssf/status");
        m.put("add_subject_endpoint", base + "/ssf/subjects:add");
        m.put("remove_subject_endpoint", base + "/ssf/subjects:remove");
        m.put("verification_endpoint", base + "/ssf/verify");
        m.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6750")));
        m.put("default_subjects", "ALL");
        return m;
    }

    public Map<String, Object> jwks() {
        return keys.published(settings.keyOverlap()).toJSONObject(true);
    }

    /** Rotates the signing key (admins); tokens signed before still verify for {@code key-overlap}. */
    public String rotateKey(Principal by) {
        String kid = java.util.Objects.requireNonNull(tx.execute(s -> {
            String k = keys.rotate().getKeyID();
            audit.append(new AuditEntry(null, "SSF_KEY_ROTATED", AuditEntry.Stage.DECISION, by.name(), null,
                "Shared Signals signing key rotated by " + by.name() + ": new key " + k, "ssf-key-" + k));
            return k;
        }));
        return kid;
    }

    /** A stream's configuration as a receiver gives it. */
    public record Config(@Nullable String method, @Nullable String endpointUrl, @Nullable String authorizationHeader,
                         @Nullable List<String> eventsRequested, @Nullable String format, @Nullable String description) {
    }

    /** The most streams one receiver may hold: each leaver's events are queued once per stream. */
    static final int MAX_STREAMS = 20;
    /** The most subjects one stream may name. */
    static final int MAX_SUBJECTS = 10_000;

    public Stream create(Config c, Principal owner, String base) {
        receiver(owner);
        String method = c.method() == null ? POLL : c.method();
        validate(method, c.endpointUrl(), c.format());
        lengths(c);
        if (streams.ownedBy(owner.name()).size() >= MAX_STREAMS) {
            throw new SignalsException(Refusal.Why.CONFLICT, "stream", owner.name() + " holds " + MAX_STREAMS
                + " streams already, the most one receiver may");
        }
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        Stream s = new Stream(id, owner.name(), method, method.equals(POLL) ? base + "/ssf/poll/" + id : c.endpointUrl(),
            delivered(c.eventsRequested()), c.format() == null ? "email" : c.format(), owner.name(), issuer(base), "enabled",
            null, c.description(), now, now);
        tx.executeWithoutResult(t -> {
            streams.insert(s, c.authorizationHeader());
            audit.append(new AuditEntry(null, "SSF_STREAM_CREATED", AuditEntry.Stage.DECISION, owner.name(), null,
                "stream " + id + " for " + owner.name() + ": " + method + ", events " + s.events(), "ssf-" + id));
        });
        return s;
    }

    /** Changes what the configuration gives (PATCH: only what is given; PUT: everything, as given). */
    public Stream update(String id, Config c, boolean replace, Principal owner) {
        Stream s = own(id, owner);
        lengths(c);
        String method = c.method() != null ? c.method() : replace ? POLL : s.method();
        String endpoint = c.endpointUrl() != null || replace ? c.endpointUrl() : s.endpointUrl();
        if (method.equals(POLL)) {
            endpoint = s.method().equals(POLL) ? s.endpointUrl() : null;
        }
        String format = c.format() != null ? c.format() : replace ? "email" : s.format();
        validate(method, method.equals(POLL) ? null : endpoint, format);
        List<String> events = c.eventsRequested() != null || replace ? delivered(c.eventsRequested()) : s.events();
        Stream updated = new Stream(s.id(), s.owner(), method, endpoint, events, format, s.audience(), s.issuer(), s.status(),
            s.reason(),
            c.description() != null || replace ? c.description() : s.description(), s.createdAt(), clock.instant());
        tx.executeWithoutResult(t -> streams.update(updated, c.authorizationHeader(),
            c.authorizationHeader() == null && !replace));
        return updated;
    }

    public void delete(String id, Principal owner) {
        own(id, owner);
        tx.executeWithoutResult(t -> {
            streams.delete(id);
            audit.append(new AuditEntry(null, "SSF_STREAM_DELETED", AuditEntry.Stage.DECISION, owner.name(), null,
                "stream " + id + " deleted by " + owner.name(), "ssf-" + id));
        });
    }

    public List<Stream> streams(Principal owner) {
        receiver(owner);
        return streams.ownedBy(owner.has(Role.ADMIN) ? null : owner.name());
    }

    public Stream stream(String id, Principal owner) {
        return own(id, owner);
    }

    public Stream status(String id, @Nullable String status, @Nullable String reason, Principal owner) {
        Stream s = own(id, owner);
        if (reason != null && reason.length() > 500) {
            throw new SignalsException(Refusal.Why.INVALID, "reason", "is longer than 500 characters");
        }
        if (status == null || !List.of("enabled", "paused", "disabled").contains(status)) {
            throw new SignalsException(Refusal.Why.INVALID, "status", "must be enabled, paused or disabled");
        }
        Stream updated = new Stream(s.id(), s.owner(), s.method(), s.endpointUrl(), s.events(), s.format(), s.audience(),
            s.issuer(), status, reason, s.description(), s.createdAt(), clock.instant());
        tx.executeWithoutResult(t -> streams.update(updated, null, true));
        return updated;
    }

    /** Adds or removes a subject: a person Roster knows, named as the stream's receiver names them. */
    public void subject(String id, @Nullable Map<String, Object> subject, boolean add, Principal owner) {
        own(id, owner);
        String identity = identityOf(subject).orElseThrow(() -> new SignalsException(Refusal.Why.INVALID, "subject",
            "names nobody Roster knows (give {\"format\": \"email\", \"email\": ...} or {\"format\": \"opaque\", \"id\":"
                + " <employee number>})"));
        tx.executeWithoutResult(t -> {
            if (add && !streams.hasSubject(id, identity) && streams.countSubjects(id) >= MAX_SUBJECTS) {
                throw new SignalsException(Refusal.Why.CONFLICT, "subject", "stream " + id + " names " + MAX_SUBJECTS
                    + " subjects already, the most one stream may");
            }
            if (add) {
                streams.addSubject(id, identity);
            } else {
                streams.removeSubject(id, identity);
            }
        });
    }

    /** Sends a verification event carrying the receiver's {@code state}. */
    public void verify(String id, @Nullable String state, Principal owner, String base) {
        Stream s = own(id, owner);
        if (state != null && state.length() > 500) {
            throw new SignalsException(Refusal.Why.INVALID, "state", "is longer than 500 characters");
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        if (state != null) {
            payload.put("state", state);
        }
        Instant now = clock.instant();
        tx.executeWithoutResult(t -> queue(s, VERIFICATION, Map.of("format", "opaque", "id", s.id()), payload, null,
            "ssf-verify-" + UUID.randomUUID(), now));
        events.publishEvent(new Queued());
    }

    /** What a poll answers: signed events by jti, and whether more wait. */
    public record Poll(Map<String, String> sets, boolean moreAvailable) {
    }

    /**
     * RFC 8936: acknowledges the given jtis, then returns up to {@code maxEvents} (at most 100) waiting
     * events; without {@code returnImmediately} it waits up to 10 seconds for one to come.
     */
    public Poll poll(String id, @Nullable List<String> ack, @Nullable Integer maxEvents, boolean returnImmediately,
                     Principal owner) throws InterruptedException {
        Stream s = own(id, owner);
        if (!s.method().equals(POLL)) {
            throw new SignalsException(Refusal.Why.CONFLICT, "stream", "stream " + id + " is pushed, not polled");
        }
        if (ack != null) {
            for (String jti : ack) {
                tx.executeWithoutResult(t -> streams.acknowledge(id, jti, clock.instant()).ifPresent(q -> delivered(s, q)));
            }
        }
        int max = maxEvents == null ? 100 : Math.max(0, Math.min(100, maxEvents));
        long until = System.nanoTime() + 10_000_000_000L;
        List<Streams.Queued> waiting = streams.pending(id, max);
        while (waiting.isEmpty() && !returnImmediately && max > 0 && System.nanoTime() < until) {
            Thread.sleep(200);
            waiting = streams.pending(id, max);
        }
        Map<String, String> sets = new LinkedHashMap<>();
        waiting.forEach(q -> sets.put(q.jti(), sign(q.token())));
        return new Poll(sets, streams.countPending(id) > sets.size());
    }

    /** A push delivery was acknowledged by its receiver (or a poll acknowledged it): timed and audited. */
    public void delivered(Stream s, Streams.Queued q) {
        deliveredAll(s, List.of(q));
    }

    /** Acknowledged events of one stream, recorded together (one audit batch). */
    public void deliveredAll(Stream s, List<Streams.Queued> acked) {
        Instant now = clock.instant();
        List<AuditEntry> records = new ArrayList<>(acked.size());
        for (Streams.Queued q : acked) {
            java.time.Duration took = java.time.Duration.between(q.hrReceivedAt(), now);
            boolean breached = took.compareTo(settings.slo()) > 0;
            records.add(new AuditEntry(q.identity(), "SIGNAL_DELIVERED", AuditEntry.Stage.EXECUTION, "roster", null,
                eventName(q.type()) + " " + q.jti() + " acknowledged by stream " + s.id() + " (" + s.owner() + ") "
                    + took.toMillis() + " ms after the HR change" + (breached ? ", above the " + settings.slo().toSeconds()
                    + " s objective" : ""), "ssf-" + s.id()));
            io.micrometer.core.instrument.Timer.builder("roster.ssf.delivery")
                .description("Time from the HR change to a receiver acknowledging its event")
                .tag("receiver", s.owner()).publishPercentileHistogram().register(meters).record(took);
            if (breached) {
                meters.counter("roster.ssf.slo.breaches", "receiver", s.owner()).increment();
            }
        }
        audit.appendAll(records);
    }

    /** Something was queued: the push loop looks. */
    public record Queued() {
    }

    /** A leaver's sessions revoked and account disabled; a rehire's account enabled; in the HR change's transaction. */
    @EventListener
    void on(IdentityTransitioned t) {
        List<String> types = switch (t.kind()) {
            case LEAVER -> List.of(SESSION_REVOKED, ACCOUNT_DISABLED);
            case REHIRE -> List.of(ACCOUNT_ENABLED);
            // a move changes what tokens should claim (and may take privileged access away)
            case MOVER, CONVERSION -> List.of(TOKEN_CLAIMS_CHANGE);
            default -> List.of();
        };
        if (types.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        boolean any = false;
        for (String type : types) {
            for (Stream s : streams.enabledFor(type)) {
                if (streams.hasSubjects(s.id()) && !streams.hasSubject(s.id(), t.employeeNumber())) {
                    continue;
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("event_timestamp", now.getEpochSecond());
                payload.put("initiating_entity", "policy");
                if (type.equals(TOKEN_CLAIMS_CHANGE)) {
                    payload.put("claims", claims(t));
                }
                payload.put("reason_admin", Map.of("en", switch (t.kind()) {
                    case LEAVER -> "employment ended in HR (" + t.source() + ")";
                    case REHIRE -> "rehired in HR (" + t.source() + ")";
                    default -> "moved in HR: " + String.join("; ", t.changes());
                }));
                queue(s, type, subject(s, t.employeeNumber(), t.worker().email()), payload, t.employeeNumber(),
                    t.hrEventId(), t.receivedAt());
                any = true;
            }
        }
        if (any) {
            org.roster.store.AfterCommit.run(() -> events.publishEvent(new Queued()));
        }
    }

    /** The position claims a move changed, with their new values ({@code "department": "Engineering"}). */
    private static Map<String, Object> claims(IdentityTransitioned t) {
        Map<String, Object> claims = new LinkedHashMap<>();
        t.fieldChanges().forEach((field, change) -> {
            if (List.of("department", "costCenter", "manager", "title", "workerType", "location").contains(field)) {
                claims.put(field, change.to() == null ? "" : change.to());
            }
        });
        return claims;
    }

    /** An NHI's credential got a new value: CAEP credential-change to the streams that want it. */
    @EventListener
    void on(org.roster.provisioning.NonHumanOperationAcknowledged done) {
        if (done.operation().kind() != org.roster.plan.OperationKind.NHI_ROTATE) {
            return;
        }
        Instant now = clock.instant();
        for (Stream s : streams.enabledFor(CREDENTIAL_CHANGE)) {
            if (streams.hasSubjects(s.id())) {
                continue; // a stream that names people does not get machine identities
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("event_timestamp", now.getEpochSecond());
            payload.put("initiating_entity", "policy");
            payload.put("credential_type", "x509".equals(done.operation().attributes().get("kind")) ? "x509" : "password");
            payload.put("change_type", "update");
            payload.put("reason_admin", Map.of("en", "rotated: " + done.operation().reason()));
            queue(s, CREDENTIAL_CHANGE, Map.of("format", "opaque", "id", done.operation().attributes()
                .getOrDefault("name", done.operation().identity())), payload, null, done.correlationId(), now);
        }
        org.roster.store.AfterCommit.run(() -> events.publishEvent(new Queued()));
    }

    private void queue(Stream s, String type, Map<String, Object> subject, Map<String, Object> payload,
                       @Nullable String identity, String txn, Instant hrReceivedAt) {
        String jti = UUID.randomUUID().toString();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
            .issuer(s.issuer()).jwtID(jti).issueTime(Date.from(now)).audience(s.audience())
            .claim("sub_id", subject).claim("txn", txn).claim("events", Map.of(type, payload)).build();
        // stored unsigned: signed when sent, so the leaver's transaction does not pay for it
        streams.queue(s.id(), jti, claims.toString(), type, identity, txn, hrReceivedAt, now);
    }

    /** The Security Event Token for stored claims, signed ES256 with the current key. */
    public String sign(String claims) {
        ECKey key = keys.current();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(new JOSEObjectType("secevent+jwt")).build(), JWTClaimsSet.parse(claims));
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException | java.text.ParseException e) {
            throw new IllegalStateException("signing a Security Event Token failed", e);
        }
    }

    /** The subject as the stream asked: e-mail, opaque (employee number), or issuer and subject. */
    private Map<String, Object> subject(Stream s, String employeeNumber, @Nullable String email) {
        return switch (s.format()) {
            case "opaque" -> Map.of("format", "opaque", "id", employeeNumber);
            case "iss_sub" -> Map.of("format", "iss_sub", "iss", s.issuer(), "sub", employeeNumber);
            default -> email == null || email.isBlank() ? Map.of("format", "opaque", "id", employeeNumber)
                : Map.of("format", "email", "email", email);
        };
    }

    private Optional<String> identityOf(@Nullable Map<String, Object> subject) {
        if (subject == null) {
            return Optional.empty();
        }
        Object format = subject.get("format");
        Optional<StoredWorker> w = Optional.empty();
        if ("email".equals(format) && subject.get("email") instanceof String e) {
            w = hr.findByEmail(e);
        } else if ("opaque".equals(format) && subject.get("id") instanceof String id) {
            w = hr.findByEmployeeNumber(id);
        } else if ("iss_sub".equals(format) && subject.get("sub") instanceof String sub) {
            w = hr.findByEmployeeNumber(sub);
        }
        return w.map(x -> x.worker().employeeNumber());
    }

    private static List<String> delivered(@Nullable List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String r : requested) {
            if (SUPPORTED.contains(r) && !out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }

    private static void validate(String method, @Nullable String endpoint, @Nullable String format) {
        if (!method.equals(PUSH) && !method.equals(POLL)) {
            throw new SignalsException(Refusal.Why.INVALID, "delivery.method", "must be " + PUSH + " or " + POLL);
        }
        if (method.equals(PUSH)) {
            if (endpoint == null || endpoint.isBlank()) {
                throw new SignalsException(Refusal.Why.INVALID, "delivery.endpoint_url", "is required to push");
            }
            URI u;
            try {
                u = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw new SignalsException(Refusal.Why.INVALID, "delivery.endpoint_url", "is not a URL");
            }
            boolean loopback = "127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost()) || "[::1]".equals(u.getHost());
            if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && loopback)) {
                throw new SignalsException(Refusal.Why.INVALID, "delivery.endpoint_url", "must be https (http on loopback only)");
            }
        }
        if (format != null && !List.of("email", "opaque", "iss_sub").contains(format)) {
            throw new SignalsException(Refusal.Why.INVALID, "format", "must be email, opaque or iss_sub");
        }
    }

    /** What the store holds of a configuration, refused when longer. */
    private static void lengths(Config c) {
        if (c.endpointUrl() != null && c.endpointUrl().length() > 2000) {
            throw new SignalsException(Refusal.Why.INVALID, "delivery.endpoint_url", "is longer than 2000 characters");
        }
        if (c.authorizationHeader() != null && c.authorizationHeader().length() > 2000) {
            throw new SignalsException(Refusal.Why.INVALID, "delivery.authorization_header", "is longer than 2000 characters");
        }
        if (c.description() != null && c.description().length() > 500) {
            throw new SignalsException(Refusal.Why.INVALID, "description", "is longer than 500 characters");
        }
        if (c.eventsRequested() != null && c.eventsRequested().size() > 50) {
            throw new SignalsException(Refusal.Why.INVALID, "events_requested", "at most 50 event types");
        }
    }

    private static void receiver(Principal p) {
        if (!p.has(Role.RECEIVER) && !p.has(Role.ADMIN)) {
            throw new SignalsException(Refusal.Why.FORBIDDEN, "role", "streams are managed by receivers");
        }
    }

    private Stream own(@Nullable String id, Principal owner) {
        receiver(owner);
        if (id == null || id.isBlank()) {
            throw new SignalsException(Refusal.Why.INVALID, "stream_id", "is required");
        }
        Stream s = streams.find(id).orElseThrow(() -> new SignalsException(Refusal.Why.NOT_FOUND, "stream_id",
            "no stream " + id));
        if (!s.owner().equals(owner.name()) && !owner.has(Role.ADMIN)) {
            throw new SignalsException(Refusal.Why.NOT_FOUND, "stream_id", "no stream " + id);
        }
        return s;
    }

    static String eventName(String type) {
        return type.substring(type.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }
}
