/** The webhook target connector: signed JSON events for systems without a standard provisioning API. */
@NullMarked
package org.roster.provisioning.webhook;

import org.jspecify.annotations.NullMarked;
