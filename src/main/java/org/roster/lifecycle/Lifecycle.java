package org.roster.lifecycle;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.WorkerChanged;
import org.roster.lifecycle.internal.IdentityRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The lifecycle module's facade: turns each accepted HR change into a transition of the identity's
 * state machine, stores it, audits it and publishes {@link IdentityTransitioned}. Runs in the HR
 * change's transaction.
 */
@Service
public final class Lifecycle {

    private final IdentityRepository repository;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Clock clock;

    public Lifecycle(IdentityRepository repository, ApplicationEventPublisher events, AuditLog audit, Clock clock) {
        this.repository = repository;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    @EventListener
    void on(WorkerChanged change) {
        String id = change.current().employeeNumber();
        Optional<Identity> existing = repository.find(id);
        @Nullable LifecycleState from = existing.map(Identity::state).orElse(null);
        // Effective dates are read as UTC calendar days for now; per-record time zones come with scheduled transitions.
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        TransitionClassifier.Outcome outcome =
            TransitionClassifier.classify(change.previous(), from, change.current(), today);
        Instant now = clock.instant();
        int epoch = existing.map(Identity::epoch).orElse(1) + (outcome.kind() == TransitionKind.REHIRE ? 1 : 0);
        if (existing.isEmpty()) {
            repository.insert(new Identity(id, outcome.to(), epoch, now, now));
        } else {
            repository.update(new Identity(id, outcome.to(), epoch, existing.get().created(), now));
        }
        repository.appendTransition(id, outcome.kind(), from, outcome.to(), outcome.changes(), change.hrEventId(), now);
        audit.append(new AuditEntry(id, "TRANSITION", AuditEntry.Stage.DECISION, "roster", null,
            outcome.kind() + ": " + (from == null ? "new" : from) + " -> " + outcome.to()
                + (outcome.changes().isEmpty() ? "" : " (" + String.join("; ", outcome.changes()) + ")"),
            change.hrEventId()));
        events.publishEvent(new IdentityTransitioned(id, outcome.kind(), from, outcome.to(), epoch, change.current(),
            outcome.changes(), change.hrEventId(), change.receivedAt()));
    }

    public Optional<Identity> find(String employeeNumber) {
        return repository.find(employeeNumber);
    }

    public List<Identity> list(@Nullable LifecycleState state, int offset, int limit) {
        return repository.list(state, offset, limit);
    }

    public long count(@Nullable LifecycleState state) {
        return repository.count(state);
    }

    public List<Transition> history(String employeeNumber) {
        return repository.transitions(employeeNumber);
    }
}
