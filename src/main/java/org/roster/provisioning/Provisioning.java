package org.roster.provisioning;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.KnownAccounts;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.internal.AccountProjection;
import org.roster.provisioning.internal.AccountRepository;
import org.roster.provisioning.internal.Connectors;
import org.roster.provisioning.internal.Dispatcher;
import org.roster.provisioning.internal.OutboxRepository;
import org.roster.store.AfterCommit;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The provisioning module's facade. Stores every plan's operations in the durable outbox, in the
 * transaction of the HR change that caused them, and wakes the dispatcher once that transaction
 * commits. Answers the planner's question "what does this identity have?" with the acknowledged
 * state of each account plus the operations still queued for it.
 */
@Service
public final class Provisioning implements KnownAccounts {

    private final OutboxRepository outbox;
    private final AccountRepository accounts;
    private final Connectors connectors;
    private final Dispatcher dispatcher;

    public Provisioning(OutboxRepository outbox, AccountRepository accounts, Connectors connectors,
                        Dispatcher dispatcher) {
        this.outbox = outbox;
        this.accounts = accounts;
        this.connectors = connectors;
        this.dispatcher = dispatcher;
    }

    @EventListener
    void on(Plan plan) {
        if (plan.operations().isEmpty()) {
            return;
        }
        outbox.insert(plan);
        AfterCommit.run(dispatcher::wake);
    }

    @Override
    public Set<String> targets() {
        return connectors.names();
    }

    @Override
    public List<AccountSnapshot> forIdentity(String identity) {
        Map<String, AccountSnapshot> projected = new TreeMap<>();
        accounts.forIdentity(identity).forEach(a -> projected.put(a.target(), a));
        for (OutboxEntry pending : outbox.pending(identity)) {
            String target = pending.operation().target();
            AccountSnapshot after = AccountProjection.apply(projected.get(target), pending.operation());
            if (after == null) {
                projected.remove(target);
            } else {
                projected.put(target, after);
            }
        }
        return List.copyOf(projected.values());
    }

    /** Accounts as their targets acknowledged them (queued operations not applied). */
    @Override
    public long population(String target) {
        return accounts.count(target);
    }

    @Override
    public long disablesSince(String target, String source, java.time.Instant since) {
        return outbox.countSince(target, source, OperationKind.DISABLE, since)
            + outbox.countSince(target, source, OperationKind.DELETE, since);
    }

    public List<AccountSnapshot> acknowledgedAccounts(String identity) {
        return accounts.forIdentity(identity);
    }

    /** The identity's operations, newest first. */
    public List<OutboxEntry> operations(String identity, int limit) {
        return outbox.forIdentity(identity, limit);
    }

    public long count(OutboxEntry.Status status) {
        return outbox.countByStatus(status);
    }
}
