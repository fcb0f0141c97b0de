package org.roster.plan;

/**
 * What one operation asks a target to do. The {@code NHI_} kinds act on a non-human account, named
 * by the operation's {@code name} attribute; their identity is {@code nhi:<id>}, so each NHI's
 * operations keep their order like a person's.
 */
public enum OperationKind {
    CREATE, UPDATE, ENABLE, DISABLE, ADD_ENTITLEMENT, REMOVE_ENTITLEMENT, DELETE,
    /** Gives a non-human account's credential a new value, handed to the secret sink before it is acknowledged. */
    NHI_ROTATE,
    /** Makes a non-human account unusable (a client disabled, a service password removed). */
    NHI_DISABLE,
    /** Removes a non-human account. */
    NHI_DELETE;

    /** Whether it acts on a non-human account rather than a person's. */
    public boolean nonHuman() {
        return this == NHI_ROTATE || this == NHI_DISABLE || this == NHI_DELETE;
    }

    /** Whether it takes access away, as the safety guard counts: a disable or a delete, of a person or an NHI. */
    public boolean removesAccess() {
        return this == DISABLE || this == DELETE || this == NHI_DISABLE || this == NHI_DELETE;
    }
}
