package org.roster.hr;

/** No worker with the given id. */
public class HrNotFoundException extends RuntimeException {

    public HrNotFoundException(String id) {
        super("no worker with id " + id);
    }
}
