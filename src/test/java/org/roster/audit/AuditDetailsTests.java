package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Long lists in audit details: split between items, never cut inside one, every item kept. */
class AuditDetailsTests {

    private static final AuditDetails.Head OPERATIONS = AuditDetails.counted("90 operation(s)", ": ");

    @Test
    void aListThatFitsIsOneDetailWithTheWholeHead() {
        assertThat(AuditDetails.split(List.of("CREATE directory", "ADD_ENTITLEMENT directory staff"), "; ",
            AuditDetails.counted("2 operation(s)", ": ")))
            .containsExactly("2 operation(s): CREATE directory; ADD_ENTITLEMENT directory staff");
    }

    @Test
    void aListTooLongIsSplitBetweenItemsEachPartNamingItsSpan() {
        List<String> items = items(90, 60);

        List<String> parts = AuditDetails.split(items, "; ", OPERATIONS);

        assertThat(parts).hasSizeGreaterThan(1)
            .allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(AuditEntry.MAX_DETAIL))
            .allSatisfy(p -> assertThat(p).doesNotEndWith("…"));
        List<String> back = new ArrayList<>();
        int next = 1;
        for (String part : parts) {
            String head = part.substring(0, part.indexOf(": ") + 2);
            List<String> held = Arrays.asList(part.substring(head.length()).split("; "));
            assertThat(head).isEqualTo("90 operation(s), " + next + " to " + (next + held.size() - 1) + ": ");
            next += held.size();
            back.addAll(held);
        }
        assertThat(back).as("every item, whole, in order").containsExactlyElementsOf(items);
    }

    @Test
    void eachPartIsAsFullAsItCanBe() {
        List<String> parts = AuditDetails.split(items(90, 60), "; ", OPERATIONS);

        for (int i = 0; i < parts.size() - 1; i++) {
            String nextItem = parts.get(i + 1).substring(parts.get(i + 1).indexOf(": ") + 2).split("; ")[0];
            assertThat(parts.get(i).length() + 2 + nextItem.length())
                .as("part %d could not have held the next item", i).isGreaterThan(AuditEntry.MAX_DETAIL - 4);
        }
    }

    @Test
    void anItemTooLongForARecordIsAPartOfItsOwn() {
        String huge = "x".repeat(AuditEntry.MAX_DETAIL + 10);

        List<String> parts = AuditDetails.split(List.of("a", huge, "b"), "; ", (from, to, count) -> "");

        assertThat(parts).containsExactly("a", huge, "b");
    }

    @Test
    void aListThatFitsOnlyWithoutASpanIsNotSplit() {
        // the whole head is shorter than a part's head with its span: a list that fits under the first is one detail
        String head = "3 operation(s): ";
        int room = AuditEntry.MAX_DETAIL - head.length() - 4;
        List<String> items = List.of("a".repeat(room / 3), "b".repeat(room / 3), "c".repeat(room - 2 * (room / 3)));

        assertThat(AuditDetails.split(items, "; ", AuditDetails.counted("3 operation(s)", ": ")))
            .singleElement().satisfies(d -> assertThat(d).hasSize(AuditEntry.MAX_DETAIL).startsWith(head));
    }

    /** {@code n} items of {@code length} characters, each distinct. */
    private static List<String> items(int n, int length) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "ADD_ENTITLEMENT directory share-" + i + "-";
            items.add(name + "y".repeat(length - name.length()));
        }
        return items;
    }
}
