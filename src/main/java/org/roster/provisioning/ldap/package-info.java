/**
 * LDAP directory connector on the UnboundID LDAP SDK (OpenLDAP, 389-DS, Active Directory).
 */
@NullMarked
package org.roster.provisioning.ldap;

import org.jspecify.annotations.NullMarked;
