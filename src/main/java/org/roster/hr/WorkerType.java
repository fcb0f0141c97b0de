package org.roster.hr;

import java.util.Locale;
import java.util.Optional;

/** What kind of worker an HR record describes. Written in lower case on the wire ({@code employee}). */
public enum WorkerType {
    EMPLOYEE, CONTRACTOR, INTERN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<WorkerType> fromWire(String value) {
        for (WorkerType t : values()) {
            if (t.wire().equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
