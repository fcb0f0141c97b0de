package org.roster.audit;

import org.roster.support.Databases;

/** {@link CheckpointsPassTests} on PostgreSQL: the one statement that compares every checkpoint with its record. */
class CheckpointsPassOnPostgresTests extends CheckpointsPassTests {

    @Override
    Databases.Kind kind() {
        return Databases.Kind.POSTGRESQL;
    }
}
