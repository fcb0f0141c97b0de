package org.roster.principals;

import java.util.Locale;
import java.util.Optional;

/** The roles a principal can hold; written {@code hr-source}, {@code steward}, ... (docs/security.md). */
public enum Role {
    HR_SOURCE, STEWARD, OPERATOR, AUDITOR, ADMIN,
    /** A policy enforcement point: asks the AuthZEN API for access decisions, and nothing else. */
    PEP,
    /** A Shared Signals receiver: manages its own event streams and polls them, and nothing else. */
    RECEIVER;

    /** As written in configuration and the API: {@code hr-source}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Role> fromWire(String value) {
        for (Role r : values()) {
            if (r.wire().equalsIgnoreCase(value.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
