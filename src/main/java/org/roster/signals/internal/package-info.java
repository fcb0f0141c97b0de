/** The transmitter's keys, streams, queued events and push delivery. */
@NullMarked
package org.roster.signals.internal;

import org.jspecify.annotations.NullMarked;
