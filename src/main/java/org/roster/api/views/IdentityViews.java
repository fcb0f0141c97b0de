package org.roster.api.views;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.Transition;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.DesiredAccess;
import org.roster.policy.Grant;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/identities}: every identity's lifecycle state, access and history. */
/**
 * What Roster knows about one identity, assembled for the REST API and the console alike: its HR
 * record, desired access and why, accounts per target, and the timeline from each HR change to
 * each target's sent, acknowledged and verified times.
 */
@org.springframework.stereotype.Component
public class IdentityViews {

    private static final int OPERATIONS_SHOWN = 200;

    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final DesiredAccess desired;
    private final Provisioning provisioning;

    private final List<org.roster.runtime.EventDeliveries> deliveries;

    IdentityViews(Lifecycle lifecycle, HrRecords hr, DesiredAccess desired, Provisioning provisioning,
                  List<org.roster.runtime.EventDeliveries> deliveries) {
        this.deliveries = deliveries;
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.desired = desired;
        this.provisioning = provisioning;
    }

    /** One target's account: as acknowledged, and how many operations are still on their way. */
    public record Account(String target, boolean enabled, List<String> entitlements, java.util.Map<String, String> attributes,
                   long pendingOperations) {
    }

    public record Detail(String employeeNumber, LifecycleState state, int epoch, @Nullable Instant scheduledChange,
                  Worker worker, List<Grant> desiredEntitlements, List<Account> accounts, List<Transition> history,
                  List<OutboxEntry> operations, List<org.roster.provisioning.Revocation> revocations) {
    }

    public Detail detail(String employeeNumber) {
        Identity identity = lifecycle.find(employeeNumber).orElseThrow(() -> new java.util.NoSuchElementException("no identity " + employeeNumber));
        Worker worker = hr.findByEmployeeNumber(employeeNumber).map(StoredWorker::worker).map(Worker::redacted)
            .orElseThrow(() -> new java.util.NoSuchElementException("no identity " + employeeNumber));
        List<OutboxEntry> operations = provisioning.operations(employeeNumber, OPERATIONS_SHOWN);
        List<Account> accounts = provisioning.acknowledgedAccounts(employeeNumber).stream()
            .map(a -> account(a, operations)).toList();
        return new Detail(employeeNumber, identity.state(), identity.epoch(),
            lifecycle.scheduledChange(employeeNumber).orElse(null), worker,
            desired.of(worker, identity.state()), accounts, lifecycle.history(employeeNumber), operations,
            provisioning.revocations(employeeNumber));
    }

    /** One operation on one target, with when it was planned, sent and acknowledged. */
    public record TimelineOperation(String operation, String reason, OutboxEntry.Status status, Instant plannedAt,
                             @Nullable Instant sentAt, @Nullable Instant ackedAt, int attempts) {
    }

    /** What one HR change did on one target, and, for a leaver, whether access was verified gone there. */
    public record TimelineTarget(String target, List<TimelineOperation> operations,
                          org.roster.provisioning.@Nullable Revocation revocation) {
    }

    /** One HR change (or effective date) and what it did, target by target. */
    public record TimelineStep(String hrEventId, String kind, @Nullable LifecycleState from, LifecycleState to,
                        List<String> changes, @Nullable Instant effectiveAt, Instant occurredAt,
                        java.time.@Nullable Duration late, List<TimelineTarget> targets) {
    }

    public List<TimelineStep> timeline(String employeeNumber) {
        lifecycle.find(employeeNumber).orElseThrow(() -> new java.util.NoSuchElementException("no identity " + employeeNumber));
        List<OutboxEntry> operations = new java.util.ArrayList<>(provisioning.operations(employeeNumber, 2_000));
        java.util.Collections.reverse(operations); // oldest first
        List<org.roster.provisioning.Revocation> revocations = provisioning.revocations(employeeNumber);
        // events sent to receivers (Shared Signals streams, CloudEvents subscribers) show as targets of their change
        List<org.roster.runtime.EventDeliveries.Delivery> sent = deliveries.stream()
            .flatMap(d -> d.forIdentity(employeeNumber, OPERATIONS_SHOWN).stream()).toList();
        List<TimelineStep> steps = new java.util.ArrayList<>();
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (Transition t : lifecycle.history(employeeNumber)) {
            shown.add(t.hrEventId());
            steps.add(new TimelineStep(t.hrEventId(), t.kind().name(), t.from(), t.to(), t.changes(), t.effectiveAt(),
                t.occurredAt(), t.late(), targets(t.hrEventId(), operations, revocations, sent)));
        }
        // changes of access that HR did not make (grants, reviews, policy reloads, holds released)
        java.util.Map<String, OutboxEntry> others = new java.util.LinkedHashMap<>();
        operations.stream().filter(o -> !shown.contains(o.correlationId()))
            .forEach(o -> others.putIfAbsent(o.correlationId(), o));
        others.forEach((correlation, first) -> steps.add(new TimelineStep(correlation, "ACCESS_CHANGE", null, null,
            List.of(first.operation().reason()), null, first.plannedAt(), null, targets(correlation, operations, revocations, sent))));
        steps.sort(java.util.Comparator.comparing(TimelineStep::occurredAt));
        return steps;
    }

    private static List<TimelineTarget> targets(String correlation, List<OutboxEntry> operations,
                                                List<org.roster.provisioning.Revocation> revocations,
                                                List<org.roster.runtime.EventDeliveries.Delivery> sent) {
        java.util.Map<String, List<TimelineOperation>> byTarget = new java.util.TreeMap<>();
        for (OutboxEntry o : operations) {
            if (o.correlationId().equals(correlation)) {
                byTarget.computeIfAbsent(o.operation().target(), k -> new java.util.ArrayList<>()).add(new TimelineOperation(
                    o.operation().describe(), o.operation().reason(), o.status(), o.plannedAt(), o.sentAt(), o.ackedAt(),
                    o.attempts()));
            }
        }
        List<TimelineTarget> out = new java.util.ArrayList<>();
        byTarget.forEach((target, ops) -> out.add(new TimelineTarget(target, ops, revocations.stream()
            .filter(r -> r.target().equals(target) && r.correlationId().equals(correlation)).findFirst().orElse(null))));
        java.util.Map<String, List<TimelineOperation>> byReceiver = new java.util.TreeMap<>();
        for (org.roster.runtime.EventDeliveries.Delivery d : sent) {
            if (d.correlationId().equals(correlation)) {
                byReceiver.computeIfAbsent(d.channel() + ":" + d.receiver(), k -> new java.util.ArrayList<>())
                    .add(0, new TimelineOperation("send " + d.event(), d.lastError() == null ? "" : d.lastError(),
                        switch (d.status()) {
                            case DELIVERED -> OutboxEntry.Status.DONE;
                            case DEAD -> OutboxEntry.Status.DEAD;
                            case PENDING -> OutboxEntry.Status.PENDING;
                        }, d.queuedAt(), d.ackedAt(), d.ackedAt(), d.attempts()));
            }
        }
        byReceiver.forEach((receiver, ops) -> out.add(new TimelineTarget(receiver, ops, null)));
        return out;
    }

    private static Account account(AccountSnapshot a, List<OutboxEntry> operations) {
        long pending = operations.stream()
            .filter(o -> o.status() == OutboxEntry.Status.PENDING && o.operation().target().equals(a.target()))
            .count();
        return new Account(a.target(), a.enabled(), a.entitlements().stream().sorted().toList(), a.attributes(), pending);
    }
}
