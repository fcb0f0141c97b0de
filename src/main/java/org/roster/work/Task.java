package org.roster.work;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One piece of work waiting for a person.
 *
 * @param kind {@code EXCEPTION}, {@code JIT}, {@code ACCESS_REVIEW}, {@code HOLD}, {@code QUARANTINE},
 *     {@code REHIRE_REVIEW}, {@code MANUAL_TASK}, {@code NHI_REVIEW}, {@code NHI_ORPHAN} or
 *     {@code CERTIFICATION} (decided with {@code POST path/decision {"decision": <action>, "reason": ...}})
 * @param id the id of the thing to decide
 * @param title what it is, in a sentence
 * @param identity the HR identity it is about, if one
 * @param since when it started waiting
 * @param due when it should be decided by
 * @param path where it is read; the actions are {@code POST path/<action>}
 * @param actions what can be done with it
 * @param why why it waits for this person (owner, fallback owner, manager, role)
 */
public record Task(String kind, String id, String title, @Nullable String identity, Instant since, Instant due,
                   boolean overdue, String path, List<String> actions, String why) {
}
