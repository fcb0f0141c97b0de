package org.roster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Transitions are told once their own transaction commits: a few one line each, many in one line. */
class TransitionLinesTests {

    private final Logger log = (Logger) org.slf4j.LoggerFactory.getLogger("transition-lines-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final DataSourceTransactionManager tx = new DataSourceTransactionManager(
        new DriverManagerDataSource("jdbc:h2:mem:transition-lines;DB_CLOSE_DELAY=-1"));

    @BeforeEach
    void capture() {
        lines.start();
        log.addAppender(lines);
    }

    @AfterEach
    void release() {
        log.detachAppender(lines);
    }

    private List<String> told() {
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private void add(TransitionKind kind, String en) {
        TransitionLines.add(log, kind, en, "sap", kind + " " + en);
    }

    @Test
    void nothingIsToldOfATransactionRolledBackAndAFewAreToldEachAtTheirCommit() {
        new TransactionTemplate(tx).executeWithoutResult(s -> {
            add(TransitionKind.JOINER, "E1");
            s.setRollbackOnly();
        });
        assertThat(told()).isEmpty();

        new TransactionTemplate(tx).executeWithoutResult(s -> {
            add(TransitionKind.JOINER, "E2");
            add(TransitionKind.MOVER, "E3");
            assertThat(told()).as("not before the commit").isEmpty();
        });
        assertThat(told()).containsExactly("INFO JOINER E2", "INFO MOVER E3");

        lines.list.clear();
        add(TransitionKind.LEAVER, "E4");
        assertThat(told()).as("without a transaction: at once").containsExactly("INFO LEAVER E4");
    }

    @Test
    void manyAreOneLineTheirLeaversEachAndATransactionApartKeepsItsOwn() {
        TransactionTemplate apart = new TransactionTemplate(tx);
        apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        new TransactionTemplate(tx).executeWithoutResult(s -> {
            for (int i = 0; i < 24; i++) {
                add(TransitionKind.JOINER, "E" + (100 + i));
            }
            apart.executeWithoutResult(inner -> add(TransitionKind.MOVER, "E900"));
            assertThat(told()).as("the transaction apart, at its own commit").containsExactly("INFO MOVER E900");
            add(TransitionKind.LEAVER, "E200");
        });
        assertThat(told()).containsExactly("INFO MOVER E900", "INFO LEAVER E200",
            "INFO 25 transitions committed together from source sap (24 JOINER, 1 LEAVER), E100 to E200; each is in the"
                + " audit trail, its leavers each above");
    }
}
