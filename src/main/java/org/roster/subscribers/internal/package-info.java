@NullMarked
package org.roster.subscribers.internal;

import org.jspecify.annotations.NullMarked;
