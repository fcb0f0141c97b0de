/**
 * The administrator console. Arrives with its own issue; the package marks its place in the flow.
 */
@NullMarked
package org.roster.web;

import org.jspecify.annotations.NullMarked;
