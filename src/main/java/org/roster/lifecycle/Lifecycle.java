package org.roster.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.hr.WorkerChanged;
import org.roster.lifecycle.internal.IdentityRepository;
import org.roster.lifecycle.internal.LifecycleScheduler;
import org.roster.lifecycle.internal.ScheduleRepository;
import org.roster.store.AfterCommit;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The lifecycle module's facade: turns each accepted HR change, and each effective date as it
 * arrives, into a transition of the identity's state machine; stores it, audits it and publishes
 * {@link IdentityTransitioned}. Changes that take effect later are scheduled in the store, so they
 * survive restarts. Runs in the transaction of the change that caused it.
 */
@Service
public final class Lifecycle {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Lifecycle.class);

    /** Below this, a termination acted on after its effective time is on time (clock skew, queueing). */
    private static final Duration LATE_TOLERANCE = Duration.ofSeconds(1);

    private final IdentityRepository repository;
    private final ScheduleRepository schedule;
    private final LifecycleScheduler scheduler;
    private final HrRecords hr;
    private final EffectiveDates dates;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Clock clock;

    public Lifecycle(IdentityRepository repository, ScheduleRepository schedule, LifecycleScheduler scheduler,
                     HrRecords hr, LifecycleSettings settings, ApplicationEventPublisher events, AuditLog audit,
                     Clock clock) {
        this.repository = repository;
        this.schedule = schedule;
        this.scheduler = scheduler;
        this.hr = hr;
        this.dates = new EffectiveDates(settings);
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    @EventListener
    void on(WorkerChanged change) {
        transition(change.previous(), change.current(), change.hrEventId(), change.source(), change.receivedAt(),
            change.actor());
    }

    /**
     * A batch locks and reads together those of its workers that already have an identity (see
     * {@link org.roster.hr.WorkersArriving}), and tells the later stages which ({@link IdentitiesLocked}).
     */
    @EventListener
    void on(org.roster.hr.WorkersArriving arriving) {
        List<String> existing = repository.lockExisting(arriving.employeeNumbers());
        if (!existing.isEmpty()) {
            schedule.prefetchScheduled(existing); // a new identity has nothing scheduled
            events.publishEvent(new IdentitiesLocked(existing));
        }
    }

    /** The time zone a worker's HR dates are in: theirs, or the configured default. */
    public java.time.ZoneId zoneOf(Worker w) {
        return dates.zoneOf(w);
    }

    /**
     * An effective date came: re-evaluates the identity against its current HR record. Called by the
     * scheduler, in its own transaction.
     */
    public void effectiveDateReached(String employeeNumber, Instant dueAt, String hrEventId) {
        // Lock first, then read the HR record: an HR change committed meanwhile is then either seen here,
        // or applied after this transition, from the state it leaves.
        repository.findForUpdate(employeeNumber);
        schedule.clear(employeeNumber);
        Optional<Worker> worker = hr.findByEmployeeNumber(employeeNumber).map(StoredWorker::worker);
        worker.ifPresent(w -> transition(w, w, hrEventId, "schedule", dueAt, "schedule"));
    }

    /**
     * Several effective dates reached at once (the scheduler's page of those due), in the caller's
     * one transaction, each as {@link #effectiveDateReached} applies it. As for an HR batch
     * ({@link org.roster.hr.WorkersArriving}), the identities are locked first, in one statement,
     * and each stage reads what it needs for all of them together; then their schedules are cleared
     * and their HR records read, in one statement each.
     */
    public void effectiveDatesReached(List<ScheduleRepository.Due> due) {
        List<String> employeeNumbers = due.stream().map(ScheduleRepository.Due::employeeNumber).toList();
        events.publishEvent(new org.roster.hr.WorkersArriving(employeeNumbers)); // locks them (on(WorkersArriving))
        schedule.clearAll(employeeNumbers);
        java.util.Map<String, Worker> workers = new java.util.HashMap<>();
        hr.findByEmployeeNumbers(employeeNumbers).forEach(s -> workers.put(s.worker().employeeNumber(), s.worker()));
        for (ScheduleRepository.Due d : due) {
            repository.findForUpdate(d.employeeNumber()); // locked above: no statement
            Worker w = workers.get(d.employeeNumber());
            if (w != null) {
                transition(w, w, d.hrEventId(), "schedule", d.dueAt(), "schedule");
            }
        }
    }

    private void transition(@Nullable Worker previous, Worker current, String hrEventId, String source,
                            Instant receivedAt, String actor) {
        String id = current.employeeNumber();
        Instant now = clock.instant();
        Optional<Identity> existing = repository.findForUpdate(id);
        @Nullable LifecycleState from = existing.map(Identity::state).orElse(null);
        LifecycleState to = dates.stateAt(current, now);
        Optional<TransitionClassifier.Outcome> classified = TransitionClassifier.classify(previous, from, current, to);
        reschedule(current, now, hrEventId, existing.isPresent());
        if (classified.isEmpty()) {
            return;
        }
        TransitionClassifier.Outcome outcome = classified.get();
        int epoch = existing.map(Identity::epoch).orElse(1) + (outcome.kind() == TransitionKind.REHIRE ? 1 : 0);
        if (existing.isEmpty()) {
            repository.insert(new Identity(id, to, epoch, now, now));
        } else {
            repository.update(new Identity(id, to, epoch, existing.get().created(), now));
        }
        Instant effective = effectiveAt(outcome.kind(), current, receivedAt);
        Duration late = outcome.kind() == TransitionKind.LEAVER && now.isAfter(effective.plus(LATE_TOLERANCE))
            ? Duration.between(effective, now) : null;
        List<String> changes = new ArrayList<>(outcome.changes());
        if (late != null) {
            changes.add("late: effective " + effective + ", acted on " + human(late) + " later");
        }
        Transition t = new Transition(0, outcome.kind(), from, to, changes, hrEventId, effective, now, late);
        repository.appendTransition(id, t);
        audit.append(new AuditEntry(id, "TRANSITION", AuditEntry.Stage.DECISION, actor, null,
            outcome.kind() + ": " + (from == null ? "new" : from) + " -> " + to
                + (changes.isEmpty() ? "" : " (" + String.join("; ", changes) + ")"),
            hrEventId));
        // A line per transition, so the log tells the story without the audit API, once it is committed; a
        // batch's many in one line (TransitionLines)
        if (LOG.isInfoEnabled()) {
            String line = outcome.kind() + " " + id + ": " + (from == null ? "new" : from) + " -> " + to + " by " + actor
                + " from source " + source + " (correlation " + hrEventId + ")" + (late == null ? "" : ", " + human(late) + " late");
            TransitionLines.add(LOG, outcome.kind(), id, source, line);
        }
        events.publishEvent(new IdentityTransitioned(id, outcome.kind(), from, to, epoch, current, changes, hrEventId,
            source, receivedAt, actor));
    }

    /** When the transition took effect by HR's dates: a termination's end, a start, or when HR's change arrived. */
    private Instant effectiveAt(TransitionKind kind, Worker w, Instant receivedAt) {
        if (kind == TransitionKind.LEAVER) {
            Instant end = dates.accessEnd(w);
            return end == null || end.equals(Instant.MIN) ? receivedAt : end;
        }
        if (kind == TransitionKind.JOINER || kind == TransitionKind.REHIRE) {
            Instant start = dates.accessStart(w);
            return start == null || start.isBefore(receivedAt) ? receivedAt : start;
        }
        return receivedAt;
    }

    /** A new identity has nothing scheduled yet, so there is nothing to clear. */
    private void reschedule(Worker w, Instant now, String hrEventId, boolean existed) {
        Optional<Instant> next = dates.nextChange(w, now);
        if (next.isPresent()) {
            schedule.set(w.employeeNumber(), next.get(), hrEventId, existed);
            AfterCommit.run(scheduler::wake);
        } else if (existed) {
            schedule.clear(w.employeeNumber());
        }
    }

    private static String human(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    public Optional<Identity> find(String employeeNumber) {
        return repository.find(employeeNumber);
    }

    /**
     * Reads the identity and locks it until the transaction ends, as an HR change to it does: a
     * change made outside HR (drift mended) is then never interleaved with one from HR.
     */
    public Optional<Identity> lock(String employeeNumber) {
        return repository.findForUpdate(employeeNumber);
    }

    /** Joiners, movers, leavers and the other transitions that happened in a period, counted by kind. */
    public java.util.Map<String, Long> transitionsBetween(Instant from, Instant to) {
        return repository.countTransitions(from, to);
    }

    /** The next time-based change scheduled for the identity, if any. */
    public Optional<Instant> scheduledChange(String employeeNumber) {
        return schedule.find(employeeNumber).map(ScheduleRepository.Due::dueAt);
    }

    public List<Identity> list(@Nullable LifecycleState state, int offset, int limit) {
        return repository.list(state, offset, limit);
    }

    /** In employee-number order, after {@code after} (null: from {@code offset}). */
    public List<Identity> list(@Nullable LifecycleState state, @Nullable String after, int offset, int limit) {
        return after != null || offset == 0 ? repository.listAfter(state, after == null ? "" : after, limit)
            : repository.list(state, offset, limit);
    }

    /**
     * Identities in a state (any, when null), in employee-number order, after a given one ({@code ""}:
     * from the first): for walking the whole population.
     */
    public List<Identity> listAfter(@Nullable LifecycleState state, String afterEmployeeNumber, int limit) {
        return repository.listAfter(state, afterEmployeeNumber, limit);
    }

    /**
     * Walks everyone who holds access (active, or on leave), a page at a time in employee-number
     * order, the state of each page given with it: for work over the whole population.
     */
    public void forEachPageHoldingAccess(int size, java.util.function.BiConsumer<LifecycleState, List<Identity>> each) {
        for (LifecycleState state : List.of(LifecycleState.ACTIVE, LifecycleState.ON_LEAVE)) {
            String after = "";
            while (true) {
                List<Identity> page = repository.listAfter(state, after, size);
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1).employeeNumber();
                each.accept(state, page);
                if (page.size() < size) {
                    break;
                }
            }
        }
    }

    public long count(@Nullable LifecycleState state) {
        return repository.count(state);
    }

    public List<Transition> history(String employeeNumber) {
        return repository.transitions(employeeNumber);
    }
}
