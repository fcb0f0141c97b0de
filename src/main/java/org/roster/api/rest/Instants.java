package org.roster.api.rest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Time parameters of the REST API: ISO-8601, refused with a 400 naming the parameter. */
final class Instants {

    private Instants() {
    }

    /** An ISO-8601 instant, such as {@code 2026-11-23T10:00:00Z}. */
    static Instant parse(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, "'" + value + "' is not an ISO-8601 instant (e.g. 2026-11-23T10:00:00Z)");
        }
    }

    /** An ISO-8601 instant, or a date meaning its start in UTC. */
    static Instant parseInstantOrDate(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException again) {
                throw new BadParameter(name, "'" + value + "' is not an ISO-8601 instant (2026-11-01T00:00:00Z) or date"
                    + " (2026-11-01)");
            }
        }
    }

    /** An ISO-8601 duration, such as {@code PT1H}. */
    static java.time.Duration duration(String name, String value) {
        try {
            return java.time.Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, "'" + value + "' is not an ISO-8601 duration (e.g. PT1H)");
        }
    }
}
