package org.roster.hr;

/**
 * An HR change Roster could not take now for want of a resource of its own (room on its disk, a free
 * import slot on this instance), not because of what was sent: the message says what was and was not
 * applied, and the sender may send it again once there is room. Answered 503 with {@code Retry-After}.
 */
public class HrUnavailableException extends RuntimeException {

    public HrUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public HrUnavailableException(String message) {
        super(message);
    }
}
