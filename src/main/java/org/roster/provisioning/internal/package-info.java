/**
 * Outbox, dispatcher and account-state persistence.
 */
@NullMarked
package org.roster.provisioning.internal;

import org.jspecify.annotations.NullMarked;
