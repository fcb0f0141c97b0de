package org.roster.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that spends most of its time waiting (a drill waiting out socket, session and lease
 * timeouts; a lease test waiting out renewals), its cores mostly idle: the build runs these in a
 * second surefire execution after the others, two classes at a time (the pom's {@code waits}
 * execution). A class so marked must share nothing with another but what is made for it: its own
 * store, processes, ports and names (the shared OpenLDAP and embedded PostgreSQL take each its own
 * entries and databases), and set no system property.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("waits")
public @interface MostlyWaits {
}
