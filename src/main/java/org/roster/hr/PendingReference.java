package org.roster.hr;

import java.time.Instant;

/** A worker's reference (e.g. {@code manager}) to a worker Roster does not know yet. */
public record PendingReference(String employeeNumber, String field, String reference, Instant since) {
}
