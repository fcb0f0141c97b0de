package org.roster.api.rest;

import org.springframework.http.HttpStatus;

/** A request Roster understood and will not do: answered with its status (403, 409) and the reason. */
class Refused extends RuntimeException {

    private final HttpStatus status;

    Refused(HttpStatus status, String reason) {
        super(reason);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }
}
