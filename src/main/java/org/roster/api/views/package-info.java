/** Views of Roster's state assembled for more than one edge (the REST API and the console). */
@NullMarked
package org.roster.api.views;

import org.jspecify.annotations.NullMarked;
