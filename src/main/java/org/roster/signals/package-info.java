/**
 * OpenID Shared Signals: a transmitter that tells relying parties, as signed Security Event Tokens,
 * what HR and Roster decided (a leaver's sessions revoked and account disabled, a rehire's account
 * enabled, an NHI's credential changed), pushed to them or polled by them, durably and once.
 */
@NullMarked
package org.roster.signals;

import org.jspecify.annotations.NullMarked;
