package org.roster.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --url} option of the commands that talk to a running Roster. */
final class RosterAddress {

    @Option(names = "--url", description = "Roster's address (default: $ROSTER_URL or http://localhost:8080)")
    @Nullable String url;

    String base() {
        return RosterApi.base(url);
    }
}
