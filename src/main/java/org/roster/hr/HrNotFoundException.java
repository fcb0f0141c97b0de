package org.roster.hr;

/** No worker (or other HR record) with the given id. */
public class HrNotFoundException extends RuntimeException {

    public HrNotFoundException(String id) {
        this("worker with id", id);
    }

    public HrNotFoundException(String what, String id) {
        super("no " + what + " " + id);
    }
}
