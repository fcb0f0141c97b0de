package org.roster.store;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;

/**
 * Ids for the rows Roster writes many of and keys by an id it makes (HR events, workers' SCIM ids):
 * UUIDs of RFC 9562's version 7, whose first 48 bits are the time in milliseconds, so each new id
 * sorts after the ones before it. A B-tree keyed by such ids grows at its right edge, as it does for
 * a sequence, instead of taking each insert on a random page: a tenth of a million-row import's time
 * in those two indexes on PostgreSQL (docs/benchmarks.md), and pages written all over the file on H2.
 * The other 74 bits are drawn from a {@link java.security.SecureRandom} for every id, so ids stay
 * unique and unguessable apart from their time, which the rows they key already show (a SCIM
 * resource's {@code meta.created}, an event's receipt).
 */
public final class TimeOrderedIds {

    private static final TimeBasedEpochRandomGenerator GENERATOR = Generators.timeBasedEpochRandomGenerator();

    private TimeOrderedIds() {
    }

    /** A new id, in the usual 36-character form. */
    public static String next() {
        return GENERATOR.generate().toString();
    }
}
