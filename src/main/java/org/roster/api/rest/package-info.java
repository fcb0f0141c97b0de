/**
 * The REST API under /api/v1 with RFC 7807 problem responses.
 */
@NullMarked
package org.roster.api.rest;

import org.jspecify.annotations.NullMarked;
