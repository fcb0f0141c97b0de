package org.roster.hr;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.internal.ReferenceRepository;
import org.roster.hr.internal.ReturnSignals;
import org.roster.hr.internal.ReviewRepository;
import org.roster.hr.internal.WorkerFields;
import org.roster.hr.internal.WorkerRepository;
import org.roster.hr.internal.WorkerValidator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The HR module's facade: accepts worker records from any source, validates them, keeps the current
 * record and the HR event log, and publishes {@link WorkerChanged}. Each call is one transaction
 * that includes everything downstream stages do synchronously with the event (lifecycle, planning,
 * the outbox), so a change is applied whole or not at all.
 */
@Service
public final class HrRecords {

    /** How far up a management chain a cycle is looked for. */
    private static final int MAX_MANAGER_DEPTH = 50;

    private final WorkerRepository repository;
    private final ReferenceRepository references;
    private final ReviewRepository reviews;
    private final MatchKey matchKey;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public HrRecords(WorkerRepository repository, ReferenceRepository references, ReviewRepository reviews,
                     HrSourceSettings settings, ApplicationEventPublisher events, AuditLog audit, TransactionTemplate tx,
                     Clock clock) {
        this.matchKey = new MatchKey(settings.rehireMatch());
        this.repository = repository;
        this.references = references;
        this.reviews = reviews;
        this.events = events;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** A change as recorded: the stored worker, and whether it changed anything. */
    public record Result(StoredWorker stored, boolean changed) {
    }

    /** Accepts a new worker. Fails with {@link HrConflictException} if the employee number or userName is taken. */
    public Result create(Worker worker, String source, String actor) {
        return create(worker, source, actor, false);
    }

    /** @param absent the caller read, in this transaction, that no worker has the employee number */
    private Result create(Worker worker, String source, String actor, boolean absent) {
        return inTransaction(() -> {
            WorkerValidator.validate(worker);
            if (!absent && repository.findByEmployeeNumber(worker.employeeNumber()).isPresent()) {
                throw new HrConflictException("employeeNumber",
                    "a worker with employee number " + worker.employeeNumber() + " exists");
            }
            checkUserNameFree(worker);
            Instant now = clock.instant();
            checkManager(worker, now, actor, true);
            StoredWorker stored = new StoredWorker(org.roster.store.TimeOrderedIds.next(), 1, now, now, worker);
            // looked for before the worker is written: its own key is not yet a worker's (a batch read them together)
            List<String> sameDetails = sameDetails(worker);
            try {
                repository.insert(stored, absent); // a batch's new workers are written together at its commit
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // read as absent earlier in the transaction, and stored by someone else since
                throw new HrConflictException("employeeNumber", "a worker with employee number " + worker.employeeNumber()
                    + " exists");
            }
            resolveReferencesTo(worker, actor);
            reviewPossibleRehire(worker, sameDetails, now, actor);
            record(null, worker, "CREATE", source, actor, now, "");
            return new Result(stored, true);
        });
    }

    /**
     * Replaces the record of an existing worker with a complete new one. A record equal to the
     * stored one changes nothing and emits no event, so a retried request has no second effect.
     */
    public Result replace(String id, Worker worker, String source, String actor) {
        return replace(id, worker, source, actor, null);
    }

    /**
     * As {@link #replace(String, Worker, String, String)}, only if the worker is still at
     * {@code expectedVersion} (when given); otherwise {@link HrPreconditionFailedException}.
     */
    public Result replace(String id, Worker worker, String source, String actor, @Nullable Long expectedVersion) {
        return replace(id, worker, ReturnSignals.FIELDS, source, actor, expectedVersion);
    }

    /**
     * As {@link #replace(String, Worker, String, String, Long)}, for a source that may leave
     * employment fields out: {@code stated} names those it gave a value. What it left out does not
     * bring a leaver back ({@link ReturnSignals}); a return names the field that signalled it in the audit.
     */
    public Result replace(String id, Worker incoming, java.util.Set<String> stated, String source, String actor,
                          @Nullable Long expectedVersion) {
        return inTransaction(() -> replace(repository.findById(id).orElseThrow(() -> new HrNotFoundException(id)), incoming,
            stated, source, actor, expectedVersion));
    }

    /** As above, for the worker as the caller read it in this transaction. */
    private Result replace(StoredWorker current, Worker incoming, java.util.Set<String> stated, String source,
                           String actor, @Nullable Long expectedVersion) {
        String id = current.id();
        if (expectedVersion != null && current.version() != expectedVersion) {
            throw new HrPreconditionFailedException("the worker is at version " + current.version() + ", not "
                + expectedVersion + ": it changed since it was read");
        }
        if (!current.worker().employeeNumber().equals(incoming.employeeNumber())) {
            throw new HrImmutableFieldException("employeeNumber",
                "is immutable: the worker is " + current.worker().employeeNumber());
        }
        ReturnSignals.Resolved resolved = ReturnSignals.resolve(current.worker(), incoming, stated,
            LocalDate.now(clock.withZone(java.time.ZoneOffset.ofHours(14))));
        Worker worker = resolved.worker();
        WorkerValidator.validate(worker);
        if (current.worker().equals(worker)) {
            return new Result(current, false);
        }
        if (!WorkerRepository.userNameKey(worker).equals(WorkerRepository.userNameKey(current.worker()))) {
            checkUserNameFree(worker); // the worker's own userName is its own: nobody else can hold it
        }
        Instant now = clock.instant();
        if (!java.util.Objects.equals(worker.managerEmployeeNumber(), current.worker().managerEmployeeNumber())) {
            // an unchanged manager adds no link to the chains: checked when it was set, resolved when it arrived
            checkManager(worker, now, actor, false);
        }
        StoredWorker next = new StoredWorker(id, current.version() + 1, current.created(), now, worker);
        if (!repository.update(next, current.version())) {
            throw new HrConflictException("meta.version", "the worker was changed concurrently; retry");
        }
        record(current.worker(), worker, "REPLACE", source, actor, now, resolved.returnSignal() == null ? ""
            : "; return signalled by " + resolved.returnSignal() + " = " + signalValue(worker, resolved.returnSignal()));
        return new Result(next, true);
    }

    /**
     * Applies field changes to a worker, creating it if it is new. Absent fields stay as they are
     * (see {@link WorkerFields}); a source that sends partial records never
     * clears a field by omission.
     */
    public Result upsert(String employeeNumber, Map<String, JsonNode> changes, String source, String actor) {
        return inTransaction(() -> upsert(employeeNumber, changes, source, actor,
            repository.findByEmployeeNumber(employeeNumber)));
    }

    /**
     * As {@link #upsert(String, Map, String, String)}, with the worker as the caller read it in this
     * transaction (a batch reads its workers together); the caller holds the batch's rows in order.
     */
    public Result upsert(String employeeNumber, Map<String, JsonNode> changes, String source, String actor,
                         Optional<StoredWorker> current) {
        return inTransaction(() -> upsert(WorkerFields.apply(current.map(StoredWorker::worker).orElse(null),
            employeeNumber, changes, matchKey), changes, source, actor, current));
    }

    /**
     * The worker {@link #upsert(String, Map, String, String, Optional)} would store for these changes,
     * read and written nothing: fails with the {@link HrValidationException} it would throw before its
     * first write (a value that cannot be read; a new worker's record that is not valid). A batch
     * holds such rows before it applies any, so that one bad row does not make it apply every row
     * again with a savepoint each. What only the store can tell (a userName taken, a cycle of
     * managers) still fails the upsert.
     */
    public Worker prepare(String employeeNumber, Map<String, JsonNode> changes, Optional<StoredWorker> current) {
        Worker next = WorkerFields.apply(current.map(StoredWorker::worker).orElse(null), employeeNumber, changes, matchKey);
        if (current.isEmpty()) {
            WorkerValidator.validate(next);
        }
        return next;
    }

    /** As {@link #upsert(String, Map, String, String, Optional)}, for the worker {@link #prepare} made of the changes. */
    public Result upsert(Worker prepared, Map<String, JsonNode> changes, String source, String actor,
                         Optional<StoredWorker> current) {
        return inTransaction(() -> current.isEmpty() ? create(prepared, source, actor, true)
            : replace(current.get(), prepared, WorkerFields.stated(changes), source, actor, null));
    }

    /**
     * Before a batch applies its workers one by one, in its transaction: reads together what each
     * would look up (userNames taken, the managers they name and, where a cycle could close, the
     * chains above them, other workers with a new worker's personal details, references waiting for
     * them) and announces them to the later stages ({@link WorkersArriving}), so that a lookup that
     * would find nothing costs no statement.
     *
     * @param rows the batch's changes by employee number
     * @param stored those of its workers Roster has, as {@link #lockForChange} read them
     */
    public void arriving(Map<String, Map<String, JsonNode>> rows, java.util.Collection<StoredWorker> stored) {
        if (rows.isEmpty()) {
            return;
        }
        java.util.Set<String> employeeNumbers = rows.keySet();
        references.prefetchWaitingFor(employeeNumbers); // first: it tells which new workers a cycle could pass through
        List<String> userNames = new java.util.ArrayList<>();
        List<String> managers = new java.util.ArrayList<>();
        List<String> managersOnly = new java.util.ArrayList<>();
        List<String> matchKeys = new java.util.ArrayList<>();
        Map<String, StoredWorker> known = new java.util.HashMap<>();
        stored.forEach(w -> known.put(w.worker().employeeNumber(), w));
        java.util.Set<String> named = new java.util.HashSet<>(); // a row's manager, whom the row may keep a reference for
        rows.values().forEach(fields -> {
            JsonNode manager = fields.get("manager");
            if (manager != null && manager.isString()) {
                named.add(manager.asString());
            }
        });
        rows.forEach((en, fields) -> {
            JsonNode userName = fields.get("userName");
            if (userName != null && userName.isString()) {
                userNames.add(userName.asString());
            }
            JsonNode manager = fields.get("manager");
            StoredWorker was = known.get(en);
            if (manager != null && manager.isString()
                && (was == null || !manager.asString().equals(was.worker().managerEmployeeNumber()))) {
                // only a new manager is checked for a cycle, and only up the chain when one could close
                (was == null && !references.mayBeAwaited(en) && !named.contains(en) ? managersOnly : managers)
                    .add(manager.asString());
            }
            if (was == null) { // a worker Roster has is not looked for as a rehire
                String key = WorkerFields.newMatchKey(fields, matchKey);
                if (key != null) {
                    matchKeys.add(key);
                }
            }
        });
        repository.prefetchUserNames(userNames);
        repository.prefetchManagers(managers, MAX_MANAGER_DEPTH); // each worker's manager and the chain above for cycles
        repository.prefetchExisting(managersOnly);
        repository.prefetchMatchKeys(matchKeys);
        references.prefetchPending(employeeNumbers, known.keySet());
        events.publishEvent(new WorkersArriving(java.util.List.copyOf(employeeNumbers)));
    }

    /**
     * Applies a batch of changes that arrived together (see {@link HrBatch}): {@code work} runs
     * between the batch's start and end events. A batch inside a batch is part of the outer one.
     */
    public <T> T batch(String source, String description, String actor, java.util.function.Supplier<T> work) {
        if (IN_BATCH.get() != null) {
            return work.get();
        }
        return within(new HrBatch(source, description, actor, HrBatch.Phase.STARTED), HrBatch.Phase.ENDED, work);
    }

    /** Runs {@code work} on this thread between {@code opening} and the same batch's {@code closing} event. */
    private <T> T within(HrBatch opening, HrBatch.Phase closing, java.util.function.Supplier<T> work) {
        IN_BATCH.set(opening.description());
        events.publishEvent(opening);
        try {
            return work.get();
        } finally {
            IN_BATCH.remove();
            events.publishEvent(new HrBatch(opening.source(), opening.description(), opening.actor(), closing));
        }
    }

    private static final ThreadLocal<String> IN_BATCH = new ThreadLocal<>();

    /**
     * Runs {@code work} on this thread as part of a batch another thread has started with
     * {@link #batch} and not ended (see {@link HrBatch.Phase#JOINED}): what it plans is judged with
     * the rest of that batch. The caller ends the batch only once every such part has returned.
     */
    public <T> T alongside(String source, String description, String actor, java.util.function.Supplier<T> work) {
        return within(new HrBatch(source, description, actor, HrBatch.Phase.JOINED), HrBatch.Phase.LEFT, work);
    }

    /**
     * What a batch of new workers' rows could read of another batch of new workers applied
     * alongside it, before either has committed: its employee numbers, the managers its rows name,
     * the userNames they claim (ignoring case) and their personal details' match keys. Two batches
     * whose footprints do not {@link Footprint#touch} read nothing of each other's, as long as
     * neither finds any of its workers stored or awaited by a pending reference (then it names no
     * one the other brings, and walks no chain of managers).
     */
    public Footprint footprint(Map<String, Map<String, JsonNode>> rows) {
        java.util.Set<String> managers = new java.util.HashSet<>();
        java.util.Set<String> userNames = new java.util.HashSet<>();
        java.util.Set<String> matchKeys = new java.util.HashSet<>();
        rows.values().forEach(fields -> {
            JsonNode manager = fields.get("manager");
            if (manager != null && manager.isString()) {
                managers.add(manager.asString());
            }
            JsonNode userName = fields.get("userName");
            if (userName != null && userName.isString()) {
                userNames.add(userName.asString().toLowerCase(java.util.Locale.ROOT));
            }
            String key = WorkerFields.newMatchKey(fields, matchKey);
            if (key != null) {
                matchKeys.add(key);
            }
        });
        return new Footprint(java.util.Set.copyOf(rows.keySet()), managers, userNames, matchKeys);
    }

    /** See {@link #footprint}. */
    public record Footprint(java.util.Set<String> workers, java.util.Set<String> managers,
                            java.util.Set<String> userNames, java.util.Set<String> matchKeys) {

        /** Whether one batch names a worker the other brings, or both claim a userName or share personal details. */
        public boolean touch(Footprint other) {
            return meet(managers, other.workers) || meet(other.managers, workers) || meet(userNames, other.userNames)
                || meet(matchKeys, other.matchKeys);
        }

        private static boolean meet(java.util.Set<String> a, java.util.Set<String> b) {
            java.util.Set<String> small = a.size() <= b.size() ? a : b;
            java.util.Set<String> large = small == a ? b : a;
            return small.stream().anyMatch(large::contains);
        }
    }

    /**
     * Whether a worker Roster is waiting for (a reference kept pending for them) is among these, as
     * the batch's transaction read them ({@link #arriving}).
     */
    public boolean anyAwaited(java.util.Collection<String> employeeNumbers) {
        return employeeNumbers.stream().anyMatch(references::mayBeAwaited);
    }

    /**
     * SCIM DELETE: the worker is terminated and leaves the SCIM view (404, absent from lists); the HR
     * record, its history and the identity stay.
     */
    public Result deleteFromScim(String id, Worker terminated, String source, String actor, @Nullable Long expectedVersion) {
        return inTransaction(() -> {
            Result r = replace(id, terminated, source, actor, expectedVersion);
            repository.markDeleted(id, clock.instant());
            return r;
        });
    }

    /**
     * A SCIM create for a worker deleted through SCIM: the same worker returns (a rehire when the
     * record is active, the create being HR's explicit word), under the same id, back in the SCIM view.
     */
    public Result recreateFromScim(String id, Worker worker, String source, String actor) {
        return inTransaction(() -> {
            repository.clearDeleted(id);
            Result r = replace(id, worker, ReturnSignals.FIELDS, source, actor, null);
            return new Result(r.stored(), true);
        });
    }

    /** A worker as the SCIM view shows it: not there once deleted through SCIM. */
    public Optional<StoredWorker> findPresent(String id) {
        return repository.findPresentById(id);
    }

    /** Whether the worker was deleted through SCIM (and not created again since). */
    public boolean deletedFromScim(String id) {
        return repository.deleted(id);
    }

    public List<StoredWorker> listPresent(int offset, int limit) {
        return repository.listPresent(offset, limit);
    }

    public Optional<StoredWorker> find(String id) {
        return repository.findById(id);
    }

    /** The worker holding a userName, compared ignoring case as SCIM requires. */
    public Optional<StoredWorker> findByUserName(String userName) {
        return repository.employeeNumberOfUserName(userName).flatMap(repository::findByEmployeeNumber);
    }

    /** Workers matching a search text (employee number, userName, or text in the record), at most {@code limit}. */
    public List<StoredWorker> search(String text, int limit) {
        return repository.search(text, limit);
    }

    /** The worker with this e-mail (ignoring case), when exactly one has it. */
    public Optional<StoredWorker> findByEmail(String email) {
        List<String> numbers = repository.employeeNumbersOfEmail(email);
        return numbers.size() == 1 ? repository.findByEmployeeNumber(numbers.get(0)) : Optional.empty();
    }

    public Optional<StoredWorker> findByEmployeeNumber(String employeeNumber) {
        return repository.findByEmployeeNumber(employeeNumber);
    }

    /**
     * Several workers a batch is about to change, read and locked together in its transaction: those
     * Roster knows. Their changes are then written at the commit, with the batch's others.
     */
    public List<StoredWorker> lockForChange(java.util.Collection<String> employeeNumbers) {
        return repository.lockByEmployeeNumbers(employeeNumbers);
    }

    /** Several workers at once, by employee number: those Roster knows, in no particular order. */
    public List<StoredWorker> findByEmployeeNumbers(java.util.Collection<String> employeeNumbers) {
        return repository.findByEmployeeNumbers(employeeNumbers);
    }

    public List<StoredWorker> list(int offset, int limit) {
        return repository.list(offset, limit);
    }

    public long count() {
        return repository.count();
    }

    private void checkUserNameFree(Worker worker) {
        repository.employeeNumberOfUserName(worker.userName())
            .filter(holder -> !holder.equals(worker.employeeNumber()))
            .ifPresent(holder -> {
                throw new HrConflictException("userName", "'" + worker.userName() + "' is already taken");
            });
    }

    /**
     * A manager Roster knows is checked for a cycle; one it does not know yet is kept, recorded as a
     * pending reference, and resolved when that worker arrives. A new worker has no pending
     * reference of its own to clear, and closes a cycle only if someone names them as manager: a
     * reference kept pending for them. In a batch that read none ({@code arriving}), the chain above
     * their manager is not walked (in a first load, nearly every worker).
     */
    private void checkManager(Worker worker, Instant now, String actor, boolean isNew) {
        String manager = worker.managerEmployeeNumber();
        if (manager == null) {
            if (!isNew) {
                references.clear(worker.employeeNumber(), "manager");
            }
            return;
        }
        if (!repository.exists(manager)) {
            if (references.record(worker.employeeNumber(), "manager", manager, now)) {
                audit.append(new AuditEntry(worker.employeeNumber(), "REFERENCE_PENDING", AuditEntry.Stage.REQUEST,
                    actor, null, "manager " + manager + " is not known yet; kept and resolved when they arrive", null));
            }
            return;
        }
        if (!isNew) {
            references.clear(worker.employeeNumber(), "manager");
        } else if (!references.mayBeAwaited(worker.employeeNumber())) {
            // Only a worker who names this one as manager could close a cycle through them; a new
            // worker is named only by a reference kept pending for them, and none is.
            return;
        }
        List<String> chain = new java.util.ArrayList<>(List.of(worker.employeeNumber()));
        String next = manager;
        while (next != null && chain.size() <= MAX_MANAGER_DEPTH) {
            chain.add(next);
            if (next.equals(worker.employeeNumber())) {
                throw new HrValidationException("manager", "a reference cycle in managers: " + String.join(" -> ", chain));
            }
            next = repository.managerOf(next).map(WorkerRepository.ManagerLink::manager).orElse(null);
        }
    }

    /** The other workers with this new worker's personal details (none without a match key). */
    private List<String> sameDetails(Worker worker) {
        return worker.matchKey() == null ? List.of()
            : repository.employeeNumbersWithMatchKey(worker.matchKey(), worker.employeeNumber());
    }

    /**
     * A new employee number whose personal details match another worker's is probably a returning
     * worker: it is reported for review, on both identities, instead of becoming a silent duplicate.
     */
    private void reviewPossibleRehire(Worker worker, List<String> sameDetails, Instant now, String actor) {
        for (String other : sameDetails) {
            String detail = "new worker " + worker.employeeNumber() + " has the same " + String.join(", ", matchKey.fields())
                + " as " + other + ": a rehire under a new employee number?";
            reviews.insert(new HrReview(UUID.randomUUID().toString(), "REHIRE_MATCH", worker.employeeNumber(), other,
                detail, HrReview.Status.OPEN, null, null, now, null, null));
            for (String identity : List.of(worker.employeeNumber(), other)) {
                audit.append(new AuditEntry(identity, "REHIRE_SUSPECTED", AuditEntry.Stage.REQUEST, actor, null, detail,
                    null));
            }
        }
    }

    public List<HrReview> reviews(HrReview.@Nullable Status status, int offset, int limit) {
        return reviews.list(status, null, offset, limit);
    }

    /** Reviews, oldest first, after the one with id {@code after} (null: from {@code offset}). */
    public List<HrReview> reviews(HrReview.@Nullable Status status, @Nullable String after, int offset, int limit) {
        return reviews.list(status, after, offset, limit);
    }

    public long countReviews(HrReview.@Nullable Status status) {
        return reviews.count(status);
    }

    /** Closes a review with a decision ({@code same-person} or {@code different-person}) and a note. */
    public HrReview resolveReview(String id, String resolution, @Nullable String note, String actor) {
        if (!List.of("same-person", "different-person").contains(resolution)) {
            throw new HrValidationException("resolution", "must be same-person or different-person");
        }
        HrReview review = reviews.find(id).orElseThrow(() -> new HrNotFoundException("review", id));
        return inTransaction(() -> {
            if (!reviews.resolve(id, resolution, note, clock.instant(), actor)) {
                throw new HrConflictException("status", "review " + id + " is already resolved");
            }
            for (String identity : List.of(review.employeeNumber(), review.related())) {
                audit.append(new AuditEntry(identity, "REVIEW_RESOLVED", AuditEntry.Stage.REQUEST, actor, null,
                    review.kind() + " " + review.employeeNumber() + "/" + review.related() + ": " + resolution
                        + (note == null ? "" : " (" + note + ")"), null));
            }
            return reviews.find(id).orElseThrow();
        });
    }

    /** Workers who named this new worker as their manager before they arrived. */
    private void resolveReferencesTo(Worker arrived, String actor) {
        for (String waiting : references.resolve("manager", arrived.employeeNumber())) {
            audit.append(new AuditEntry(waiting, "REFERENCE_RESOLVED", AuditEntry.Stage.REQUEST, actor, null,
                "manager " + arrived.employeeNumber() + " arrived", null));
        }
    }

    public long countPendingReferences() {
        return references.count();
    }

    /** References to workers not known yet, oldest first. */
    public List<PendingReference> pendingReferences(int offset, int limit) {
        return references.list(offset, limit);
    }

    private static String signalValue(Worker w, String field) {
        return switch (field) {
            case "active" -> Boolean.toString(w.active());
            case "employmentStatus" -> w.employmentStatus().wire();
            case "startDate" -> String.valueOf(w.startDate());
            default -> String.valueOf(w.endDate());
        };
    }

    private void record(@Nullable Worker previous, Worker current, String kind, String source, String actor,
                        Instant receivedAt, String note) {
        String eventId = org.roster.store.TimeOrderedIds.next();
        repository.appendEvent(eventId, current.employeeNumber(), source, kind, receivedAt, current);
        audit.append(new AuditEntry(current.employeeNumber(), "HR_EVENT", AuditEntry.Stage.REQUEST, actor, null,
            kind.toLowerCase(java.util.Locale.ROOT) + " from source " + source + note, eventId));
        events.publishEvent(new WorkerChanged(eventId, source, actor, previous, current, receivedAt));
    }

    private <T> T inTransaction(java.util.function.Supplier<T> work) {
        T result;
        try {
            result = tx.execute(status -> work.get());
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // a new worker written at the commit (see create) that another request stored meanwhile
            throw new HrConflictException("employeeNumber", "a worker with the same employee number or userName was "
                + "stored by another request at the same time");
        }
        if (result == null) {
            throw new IllegalStateException("transaction returned nothing");
        }
        return result;
    }
}
