/**
 * Declarative rules (YAML, CEL conditions) that turn worker attributes and lifecycle state into entitlements. Pure: no I/O.
 */
@NullMarked
package org.roster.policy;

import org.jspecify.annotations.NullMarked;
