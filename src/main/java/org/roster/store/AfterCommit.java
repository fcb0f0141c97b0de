package org.roster.store;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Runs something once the current transaction has committed (at once when there is none): wakes workers on new work. */
public final class AfterCommit {

    private AfterCommit() {
    }

    public static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /**
     * Gathers what a transaction's calls add under {@code key} into one object, handed to {@code
     * atCommit} once, when the transaction has committed (nothing when it rolls back): one wake-up or
     * one log line for a batch of 500 plans instead of 500. A transaction started apart from the
     * current one ({@code REQUIRES_NEW}) gathers its own. Without a transaction, a fresh object is
     * handed over at once.
     */
    public static <T> void gather(Object key, Supplier<T> make, Consumer<T> add, Consumer<T> atCommit) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            T alone = make.get();
            add.accept(alone);
            atCommit.accept(alone);
            return;
        }
        @SuppressWarnings("unchecked")
        T gathered = (T) TransactionSynchronizationManager.getResource(key);
        if (gathered == null) {
            T mine = make.get();
            TransactionSynchronizationManager.bindResource(key, mine);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void suspend() {
                    TransactionSynchronizationManager.unbindResourceIfPossible(key);
                }

                @Override
                public void resume() {
                    TransactionSynchronizationManager.bindResource(key, mine);
                }

                @Override
                public void afterCommit() {
                    atCommit.accept(mine);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(key);
                }
            });
            gathered = mine;
        }
        add.accept(gathered);
    }
}
