package org.roster.hr;

import java.util.Collection;

/**
 * Published inside a batch's transaction (a snapshot's rows, read together; the effective dates the
 * scheduler fires together) before its workers are applied one by one: each stage reads, in one query for all of them, what it would otherwise look
 * up for each (does the identity exist, has it grants, is it held), and records through
 * {@link org.roster.store.TransactionBatch} which have nothing, so that those lookups cost no statement.
 *
 * @param employeeNumbers the workers the batch is about to create or change
 */
public record WorkersArriving(Collection<String> employeeNumbers) {
}
