package org.roster.hr;

import java.util.Locale;
import java.util.Optional;

/** The employment status HR reports. Written in lower case on the wire ({@code terminated}). */
public enum EmploymentStatus {
    ACTIVE, LEAVE, TERMINATED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EmploymentStatus> fromWire(String value) {
        for (EmploymentStatus s : values()) {
            if (s.wire().equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
