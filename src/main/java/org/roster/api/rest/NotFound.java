package org.roster.api.rest;

/** The thing asked for does not exist: answered 404. */
class NotFound extends RuntimeException {

    NotFound(String what, String id) {
        super("no " + what + " " + id);
    }
}
