package org.roster.policy;

/**
 * An entitlement name computed from HR values cannot be made valid (see
 * {@code policy/internal/EntitlementNames}): the HR value is what must change, so it names the
 * worker field that brought it, and the HR change is refused or quarantined instead of failing at
 * the target.
 */
public final class EntitlementNameException extends PolicyException {

    private final String field;

    public EntitlementNameException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The worker field (as {@code worker.NAME} in CEL) whose value made the name, or {@code worker} when unknown. */
    public String field() {
        return field;
    }
}
