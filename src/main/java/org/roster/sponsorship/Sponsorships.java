package org.roster.sponsorship;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrConflictException;
import org.roster.hr.HrNotFoundException;
import org.roster.hr.HrRecords;
import org.roster.hr.HrValidationException;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.IdentityTransitioned;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.TransitionKind;
import org.roster.sponsorship.internal.SponsorshipRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Sponsored identities: created by API with a sponsor and an end date, recorded through the HR
 * module (source {@code sponsorship}) so they have a lifecycle, policy and accounts like anyone.
 * When a sponsor leaves or moves, each of their sponsored identities goes to review and its end
 * date is brought forward to the end of the grace period; someone taking over restores it.
 */
@Service
public final class Sponsorships {

    public static final String SOURCE = "sponsorship";
    private static final Set<TransitionKind> SPONSOR_CHANGES =
        Set.of(TransitionKind.LEAVER, TransitionKind.MOVER, TransitionKind.CONVERSION);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SponsorshipRepository repository;
    private final HrRecords hr;
    private final Lifecycle lifecycle;
    private final SponsorshipSettings settings;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Sponsorships(SponsorshipRepository repository, HrRecords hr, Lifecycle lifecycle,
                        SponsorshipSettings settings, AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.hr = hr;
        this.lifecycle = lifecycle;
        this.settings = settings;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** What a sponsor asks for. */
    public record Request(String userName, @Nullable String givenName, @Nullable String familyName,
                          @Nullable String email, @Nullable String workerType, @Nullable String department,
                          String sponsor, LocalDate endDate) {
    }

    public Sponsorship create(Request request, String actor) {
        if (request.userName() == null || request.userName().isBlank()) {
            throw new HrValidationException("userName", "is required");
        }
        if (request.sponsor() == null || request.sponsor().isBlank()) {
            throw new HrValidationException("sponsor", "is required: the employee number of an active HR worker");
        }
        if (request.endDate() == null) {
            throw new HrValidationException("endDate", "is required: a sponsorship always ends");
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        checkEnd(request.endDate(), today);
        Sponsorship created = tx.execute(status -> {
            checkSponsor(request.sponsor());
            String id = newId();
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            fields.put("userName", NODES.stringNode(request.userName()));
            put(fields, "givenName", request.givenName());
            put(fields, "familyName", request.familyName());
            put(fields, "email", request.email());
            put(fields, "department", request.department());
            fields.put("workerType", NODES.stringNode(request.workerType() == null ? "contractor" : request.workerType()));
            fields.put("manager", NODES.stringNode(request.sponsor()));
            fields.put("startDate", NODES.stringNode(today.toString()));
            fields.put("endDate", NODES.stringNode(request.endDate().toString()));
            fields.put("timeZone", NODES.stringNode("UTC"));
            hr.upsert(id, fields, SOURCE, actor);
            Sponsorship s = new Sponsorship(id, request.sponsor(), request.endDate(), Sponsorship.Status.ACTIVE, null,
                null, clock.instant(), actor);
            repository.insert(s);
            audit.append(new AuditEntry(id, "SPONSORED", AuditEntry.Stage.REQUEST, actor, null,
                "sponsored by " + request.sponsor() + " until " + request.endDate(), null));
            return s;
        });
        if (created == null) {
            throw new IllegalStateException("transaction returned nothing");
        }
        return created;
    }

    /** Someone takes over a sponsorship: back to active, with the agreed end date. */
    public Sponsorship reassign(String employeeNumber, String newSponsor, String actor) {
        Sponsorship updated = tx.execute(status -> {
            Sponsorship s = repository.find(employeeNumber)
                .orElseThrow(() -> new HrNotFoundException("sponsored identity", employeeNumber));
            Identity identity = lifecycle.find(employeeNumber).orElseThrow();
            if (identity.state() == LifecycleState.TERMINATED) {
                throw new HrConflictException("status", employeeNumber + " has already ended; sponsor a new identity");
            }
            checkSponsor(newSponsor);
            Sponsorship next = new Sponsorship(employeeNumber, newSponsor, s.endDate(), Sponsorship.Status.ACTIVE, null,
                null, s.createdAt(), s.createdBy());
            repository.update(next);
            hr.upsert(employeeNumber, Map.of("manager", NODES.stringNode(newSponsor),
                "endDate", NODES.stringNode(s.endDate().toString()), "endTime", NODES.nullNode()), SOURCE, actor);
            audit.append(new AuditEntry(employeeNumber, "SPONSOR_CHANGED", AuditEntry.Stage.REQUEST, actor, null,
                "sponsorship taken over by " + newSponsor + " (was " + s.sponsor() + "); ends " + s.endDate(), null));
            return next;
        });
        if (updated == null) {
            throw new IllegalStateException("transaction returned nothing");
        }
        return updated;
    }

    /** A batch reads together which of its workers sponsor someone (see {@link org.roster.hr.WorkersArriving}). */
    @EventListener
    void on(org.roster.hr.WorkersArriving arriving) {
        repository.prefetchSponsors(arriving.employeeNumbers());
    }

    @EventListener
    void on(IdentityTransitioned t) {
        if (!SPONSOR_CHANGES.contains(t.kind())) {
            return;
        }
        for (Sponsorship s : repository.bySponsor(t.employeeNumber())) {
            if (s.status() != Sponsorship.Status.ACTIVE) {
                continue;
            }
            // Access ends at now + grace exactly (or at the sponsorship's own end, if sooner), as the HR end
            // date and time of day in the identity's time zone, so the lifecycle schedule ends it then.
            Worker guest = hr.findByEmployeeNumber(s.employeeNumber()).map(StoredWorker::worker).orElse(null);
            if (guest == null) {
                continue;
            }
            java.time.ZoneId zone = lifecycle.zoneOf(guest);
            Instant deadline = clock.instant().plus(settings.reviewGrace());
            Instant agreedEnd = s.endDate().plusDays(1).atStartOfDay(zone).toInstant();
            Map<String, JsonNode> end;
            if (deadline.isBefore(agreedEnd)) {
                java.time.ZonedDateTime at = deadline.atZone(zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                deadline = at.toInstant();
                end = Map.of("endDate", NODES.stringNode(at.toLocalDate().toString()),
                    "endTime", NODES.stringNode(at.toLocalTime().toString()));
            } else {
                deadline = agreedEnd;
                end = Map.of("endDate", NODES.stringNode(s.endDate().toString()), "endTime", NODES.nullNode());
            }
            String reason = "sponsor " + t.employeeNumber() + (t.kind() == TransitionKind.LEAVER ? " left"
                : " moved (" + String.join("; ", t.changes()) + ")");
            repository.update(new Sponsorship(s.employeeNumber(), s.sponsor(), s.endDate(), Sponsorship.Status.REVIEW,
                reason, deadline, s.createdAt(), s.createdBy()));
            hr.upsert(s.employeeNumber(), end, SOURCE, "roster");
            audit.append(new AuditEntry(s.employeeNumber(), "SPONSOR_REVIEW", AuditEntry.Stage.DECISION, "roster", null,
                reason + ": access ends " + deadline + " unless someone takes over the sponsorship", t.hrEventId()));
        }
    }

    public Optional<Sponsorship> find(String employeeNumber) {
        return repository.find(employeeNumber);
    }

    /** By employee number, after {@code after} (null: from {@code offset}). */
    public List<Sponsorship> list(Sponsorship.@Nullable Status status, @Nullable String after, int offset, int limit) {
        return repository.list(status, after, offset, limit);
    }

    public long count(Sponsorship.@Nullable Status status) {
        return repository.count(status);
    }

    private void checkSponsor(String sponsor) {
        Optional<Identity> identity = lifecycle.find(sponsor);
        if (identity.isEmpty() || identity.get().state() != LifecycleState.ACTIVE) {
            throw new HrValidationException("sponsor", "'" + sponsor + "' is not an active worker");
        }
        if (repository.find(sponsor).isPresent()) {
            throw new HrValidationException("sponsor", "'" + sponsor + "' is sponsored: a sponsor must be in HR");
        }
    }

    private void checkEnd(LocalDate end, LocalDate today) {
        if (end.isBefore(today)) {
            throw new HrValidationException("endDate", end + " has passed");
        }
        LocalDate latest = today.plusDays(settings.maxDuration().toDays());
        if (end.isAfter(latest)) {
            throw new HrValidationException("endDate", end + " is more than " + settings.maxDuration().toDays()
                + " days away (roster.sponsorship.max-duration); the latest is " + latest);
        }
    }

    private String newId() {
        StringBuilder id = new StringBuilder("SP");
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    private static void put(Map<String, JsonNode> fields, String name, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            fields.put(name, NODES.stringNode(value));
        }
    }
}
