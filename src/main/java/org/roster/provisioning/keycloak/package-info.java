/** The Keycloak target connector: users, groups and realm roles through the admin REST API, and session revocation. */
@NullMarked
package org.roster.provisioning.keycloak;

import org.jspecify.annotations.NullMarked;
