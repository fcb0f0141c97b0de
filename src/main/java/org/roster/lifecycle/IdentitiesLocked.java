package org.roster.lifecycle;

import java.util.Collection;

/**
 * Published inside a batch's transaction once it has locked the identities of the workers it is about
 * to change (see {@link org.roster.hr.WorkersArriving}), before it applies them one by one. No other
 * transaction can plan for these identities until this one ends, so a later stage may read what it
 * needs of them all at once now (their accounts and queued operations) and use it for each.
 *
 * @param employeeNumbers the identities locked: those of the batch's workers that already exist
 */
public record IdentitiesLocked(Collection<String> employeeNumbers) {
}
