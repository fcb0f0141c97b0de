@NullMarked
package org.roster.principals.internal;

import org.jspecify.annotations.NullMarked;
