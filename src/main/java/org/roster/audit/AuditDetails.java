package org.roster.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The details of records that name many items (a plan's operations, a decision's grants, the
 * operations a target acknowledged): as few records as hold every item whole. A record's detail
 * holds {@link AuditEntry#MAX_DETAIL} characters, and the store cuts a longer one with an ellipsis,
 * which would drop the items past the cut from the trail. So a list that does not fit is split
 * between items, never inside one, and each part says which items it holds.
 */
public final class AuditDetails {

    /** What a part's detail starts with, given the items it holds (numbered from 1) and how many there are. */
    @FunctionalInterface
    public interface Head {
        String of(int from, int to, int count);
    }

    private AuditDetails() {
    }

    /**
     * {@code items} joined by {@code separator}, after {@code head}: one detail when the whole fits
     * in {@link AuditEntry#MAX_DETAIL}, else several in order, each as long as fits. An item too long
     * for a record even alone is a part of its own (and cut by the store).
     */
    public static List<String> split(List<String> items, String separator, Head head) {
        int count = items.size();
        String whole = head.of(1, count, count) + String.join(separator, items);
        if (whole.length() <= AuditEntry.MAX_DETAIL || count <= 1) {
            return List.of(whole);
        }
        List<String> parts = new ArrayList<>(2);
        int from = 0;
        while (from < count) {
            StringBuilder joined = new StringBuilder(items.get(from));
            int to = from + 1; // exclusive
            while (to < count
                && head.of(from + 1, to + 1, count).length() + joined.length() + separator.length()
                    + items.get(to).length() <= AuditEntry.MAX_DETAIL) {
                joined.append(separator).append(items.get(to));
                to++;
            }
            parts.add(head.of(from + 1, to, count) + joined);
            from = to;
        }
        return parts;
    }

    /**
     * A head for {@link #split}: {@code whole} when one part holds every item, else {@code whole}
     * followed by the span of the part, e.g. {@code "90 operation(s), 31 to 60: "}.
     */
    public static Head counted(String whole, String after) {
        return (from, to, count) -> from == 1 && to == count ? whole + after
            : whole + ", " + from + " to " + to + after;
    }
}
