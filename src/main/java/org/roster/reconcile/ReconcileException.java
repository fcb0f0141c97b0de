package org.roster.reconcile;

/** A reconciliation request refused: the field it is about, and why. */
public class ReconcileException extends org.roster.runtime.Refusal {

    public ReconcileException(Why why, String field, String message) {
        super(why, field, message);
    }
}
