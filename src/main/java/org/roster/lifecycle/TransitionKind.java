package org.roster.lifecycle;

/** How a change to a worker's HR record is classified. */
public enum TransitionKind {
    /** A new worker whose start date has not come. */
    PRE_HIRE,
    /** A worker starts (new and active, or a pre-hire whose start date came). */
    JOINER,
    /** Department, cost centre, manager, job title or location changed. */
    MOVER,
    /** The worker type changed: contractor to employee, or back. Access is recomputed as for a mover. */
    CONVERSION,
    /** Other attributes changed (name, email); no change of position. */
    UPDATE,
    LEAVE_START,
    LEAVE_RETURN,
    /** Employment ended (status terminated, or HR's active flag false). */
    LEAVER,
    /** A terminated worker returns with the same employee number: a new employment epoch. */
    REHIRE
}
