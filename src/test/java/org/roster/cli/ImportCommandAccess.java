package org.roster.cli;

import java.util.Map;

/** Lets tests outside this package run the CLI with an environment of their own. */
public final class ImportCommandAccess {

    private ImportCommandAccess() {
    }

    public static void environment(Map<String, String> env) {
        ImportCommand.environment = env::get;
    }

    public static void restore() {
        ImportCommand.environment = System::getenv;
    }
}
