/**
 * An in-memory connector: the fake target for unit tests above the SPI and for dry runs.
 */
@NullMarked
package org.roster.provisioning.memory;

import org.jspecify.annotations.NullMarked;
