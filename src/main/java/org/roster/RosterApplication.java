package org.roster;

import java.time.Clock;
import org.roster.cli.Cli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Roster: the HR system as the source of truth for identity and access. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RosterApplication {

    public static void main(String[] args) {
        if (Cli.handles(args)) {
            System.exit(Cli.run(args, System.out, System.err));
        }
        SpringApplication.run(RosterApplication.class, args);
    }

    /** The one clock every stage reads, so tests can set the time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
