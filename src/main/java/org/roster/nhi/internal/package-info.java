@NullMarked
package org.roster.nhi.internal;

import org.jspecify.annotations.NullMarked;
