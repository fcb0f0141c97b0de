/**
 * The connector SPI, the durable outbox and its dispatcher, and the last acknowledged state of every account. One sub-package per connector.
 */
@NullMarked
package org.roster.provisioning;

import org.jspecify.annotations.NullMarked;
