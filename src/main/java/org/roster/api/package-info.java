/**
 * HTTP edge: bearer-token security, the SCIM 2.0 service for HR push and the REST API. Holds no business logic.
 */
@NullMarked
package org.roster.api;

import org.jspecify.annotations.NullMarked;
