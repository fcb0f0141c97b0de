/**
 * Who acts on Roster: principals (people who sign in with OpenID Connect, linked to their HR
 * identity; API tokens), the roles they hold (from the IdP's groups, an admin's assignments, a
 * token's own), and the rule that a person whose HR record says they have left holds none.
 */
@NullMarked
package org.roster.principals;

import org.jspecify.annotations.NullMarked;
