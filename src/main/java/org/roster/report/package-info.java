/**
 * Evidence for auditors: the compliance report of a period, from Roster's own data (lifecycle,
 * revocation checks, exceptions, reconciliation, quarantine, the audit chain), mapped to controls.
 */
@NullMarked
package org.roster.report;

import org.jspecify.annotations.NullMarked;
