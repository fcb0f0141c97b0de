package org.roster.api.rest;

/** A request parameter with a bad value: answered 400 naming the parameter. */
class BadParameter extends RuntimeException {

    private final String parameter;

    BadParameter(String parameter, String reason) {
        super(parameter + ": " + reason);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }
}
