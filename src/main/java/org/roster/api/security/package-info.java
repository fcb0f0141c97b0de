/**
 * Bearer API tokens, stored hashed, and the Spring Security configuration.
 */
@NullMarked
package org.roster.api.security;

import org.jspecify.annotations.NullMarked;
