/**
 * An OpenID AuthZEN Authorization API 1.0 policy decision point answered from live state: whether
 * a person may have access to a target (or an entitlement) right now, from HR's state and Roster's
 * policy, whatever the targets still hold; other subjects, actions and resources by CEL rules.
 */
@NullMarked
package org.roster.authzen;

import org.jspecify.annotations.NullMarked;
