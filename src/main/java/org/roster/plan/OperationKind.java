package org.roster.plan;

/** What one operation asks a target to do. */
public enum OperationKind {
    CREATE, UPDATE, ENABLE, DISABLE, ADD_ENTITLEMENT, REMOVE_ENTITLEMENT, DELETE
}
