package org.roster.certification;

/** A certification request or decision Roster refuses, naming the field and the reason. */
public final class CertificationException extends org.roster.runtime.Refusal {

    public CertificationException(Why why, String field, String reason) {
        super(why, field, field + ": " + reason);
    }
}
