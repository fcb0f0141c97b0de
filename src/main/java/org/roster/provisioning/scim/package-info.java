/** The SCIM 2.0 target connector: SaaS applications that speak SCIM, on the UnboundID SCIM 2 client. */
@NullMarked
package org.roster.provisioning.scim;

import org.jspecify.annotations.NullMarked;
