package org.roster.lifecycle;

import java.time.Instant;

/** The lifecycle state of one identity. */
public record Identity(String employeeNumber, LifecycleState state, int epoch, Instant created, Instant updated) {
}
