/** The manual target: operations become tasks for the owner of a system that cannot take them automatically. */
@NullMarked
package org.roster.provisioning.manual;

import org.jspecify.annotations.NullMarked;
