package org.roster.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.roster.store.AfterCommit;
import org.slf4j.Logger;

/**
 * The log's line for each transition, written once its transaction commits, so that a transition
 * rolled back (a store that cannot write, a batch held) is not told as one that happened.
 *
 * <p>A transaction of a few transitions (a SCIM request, a webhook, a small file) logs each at INFO. One
 * of more than {@link #EACH} (a batch of a snapshot file: up to 500) logs one INFO line that counts them
 * by kind and names the first and last, and each at DEBUG; its leavers are still told one INFO line
 * each. A first load of a million workers wrote a million lines, some 220 MB of log; the audit trail
 * has every transition whatever the log says.
 */
final class TransitionLines {

    /** Up to this many transitions of one transaction are each told at INFO. */
    static final int EACH = 20;

    private record Line(TransitionKind kind, String employeeNumber, String source, String text) {
    }

    private TransitionLines() {
    }

    static void add(Logger log, TransitionKind kind, String employeeNumber, String source, String text) {
        // a transaction started apart from the current one (REQUIRES_NEW) keeps its own lines
        AfterCommit.<List<Line>>gather(TransitionLines.class, ArrayList::new,
            lines -> lines.add(new Line(kind, employeeNumber, source, text)), lines -> tell(log, lines));
    }

    private static void tell(Logger log, List<Line> lines) {
        if (lines.size() <= EACH) {
            lines.forEach(l -> log.info(l.text()));
            return;
        }
        Map<TransitionKind, Integer> kinds = new TreeMap<>();
        java.util.Set<String> sources = new java.util.TreeSet<>();
        for (Line l : lines) {
            kinds.merge(l.kind(), 1, Integer::sum);
            sources.add(l.source());
            if (l.kind() == TransitionKind.LEAVER) {
                log.info(l.text());
            } else if (log.isDebugEnabled()) {
                log.debug(l.text());
            }
        }
        StringBuilder counts = new StringBuilder();
        kinds.forEach((k, n) -> counts.append(counts.isEmpty() ? "" : ", ").append(n).append(' ').append(k));
        log.info("{} transitions committed together from source {} ({}), {} to {}; each is in the audit trail{}",
            lines.size(), String.join(", ", sources), counts, lines.get(0).employeeNumber(),
            lines.get(lines.size() - 1).employeeNumber(), kinds.containsKey(TransitionKind.LEAVER)
                ? ", its leavers each above" : "");
    }
}
