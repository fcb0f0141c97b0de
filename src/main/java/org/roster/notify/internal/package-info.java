@NullMarked
package org.roster.notify.internal;

import org.jspecify.annotations.NullMarked;
