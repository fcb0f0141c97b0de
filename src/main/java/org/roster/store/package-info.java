/**
 * Database infrastructure only: data source, Flyway migrations, JSON column encoding. Each module keeps its own repository classes.
 */
@NullMarked
package org.roster.store;

import org.jspecify.annotations.NullMarked;
