/**
 * The quick-start demo: demo HR data loaded into an empty store.
 */
@NullMarked
package org.roster.demo;

import org.jspecify.annotations.NullMarked;
