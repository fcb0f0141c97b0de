package org.roster.lifecycle;

/** Where an identity is in its employment lifecycle. */
public enum LifecycleState {
    /** Hired, start date still in the future. */
    PRE_HIRE,
    /** Working. */
    ACTIVE,
    /** On leave of absence. */
    ON_LEAVE,
    /** Left; the identity is kept for history and a possible rehire. */
    TERMINATED
}
