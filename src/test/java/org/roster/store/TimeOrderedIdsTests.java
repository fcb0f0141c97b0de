package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ids Roster makes for HR events and workers: version 7 UUIDs, later ones sorting after earlier ones. */
class TimeOrderedIdsTests {

    @Test
    void idsAreVersionSevenUuidsThatSortInTheOrderTheyWereMadeAcrossMilliseconds() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(TimeOrderedIds.next());
            Thread.sleep(2); // the order is by millisecond: within one, the rest is random
        }
        assertThat(ids).isSorted();
        for (String id : ids) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2); // RFC 9562
            assertThat(uuid.toString()).isEqualTo(id);
        }
        // the leading 48 bits are the time it was made, in milliseconds
        long before = System.currentTimeMillis();
        long millis = UUID.fromString(TimeOrderedIds.next()).getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void idsMadeInTheSameMillisecondAreDistinctAndNotConsecutive() {
        Set<String> seen = new HashSet<>();
        List<UUID> made = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String id = TimeOrderedIds.next();
            assertThat(seen.add(id)).as("duplicate id %s", id).isTrue();
            made.add(UUID.fromString(id));
        }
        // unguessable from a neighbour: the random part of consecutive ids is not a counter
        long adjacent = 0;
        for (int i = 1; i < made.size(); i++) {
            if (made.get(i).getLeastSignificantBits() - made.get(i - 1).getLeastSignificantBits() == 1) {
                adjacent++;
            }
        }
        assertThat(adjacent).isZero();
    }
}
