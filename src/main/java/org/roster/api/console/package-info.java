/**
 * The console: server-rendered pages (Thymeleaf, htmx) for the people who run and answer for
 * Roster, in the same process and under the same authorisation rules as the API.
 */
@NullMarked
package org.roster.api.console;

import org.jspecify.annotations.NullMarked;
