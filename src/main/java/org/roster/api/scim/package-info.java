/**
 * The SCIM 2.0 service HR systems push to (RFC 7643/7644).
 */
@NullMarked
package org.roster.api.scim;

import org.jspecify.annotations.NullMarked;
