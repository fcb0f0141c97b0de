package org.roster.grants;

/** A grant request or decision that is refused, naming the field and the reason. */
public class GrantException extends org.roster.runtime.Refusal {

    public GrantException(Why why, String field, String reason) {
        super(why, field, field + ": " + reason);
    }
}
