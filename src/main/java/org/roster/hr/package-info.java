/**
 * HR sources, the canonical {@link org.roster.hr.Worker} record, field mapping, validation. Publishes {@link org.roster.hr.WorkerChanged} for every accepted change. Knows nothing about targets.
 */
@NullMarked
package org.roster.hr;

import org.jspecify.annotations.NullMarked;
