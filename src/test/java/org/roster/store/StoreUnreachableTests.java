package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures say the store cannot be reached or cannot write (answered 503), and which do not (still 500 or their own answer). */
class StoreUnreachableTests {

    @Test
    void aPoolThatTimedOutOrAConnectionRefusedIsAnOutage() {
        var refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001", new ConnectException("Connection refused"));
        var timedOut = new SQLTransientConnectionException("HikariPool-1 - Connection is not available", "08001", refused);
        var fromSpring = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", timedOut);
        var servlet = new jakarta.servlet.ServletException("Request processing failed", fromSpring);

        assertThat(StoreUnreachable.in(servlet)).isSameAs(fromSpring);
        assertThat(StoreUnreachable.describe(fromSpring)).isEqualTo("ConnectException: Connection refused");
        assertThat(StoreUnreachable.in(new CannotCreateTransactionException("Could not open JDBC Connection", refused)))
            .isNotNull();
    }

    @Test
    void aServerShuttingDownRecoveringOrFullOfConnectionsIsAnOutage() {
        for (String state : new String[] {"08006", "08003", "57P01", "57P02", "57P03", "53300"}) {
            var e = new UncategorizedSQLException("update", "update lease", new SQLException("gone", state));
            assertThat(StoreUnreachable.in(e)).as(state).isNotNull();
        }
    }

    @Test
    void aStatementLeftWithoutAnswerIsAnOutage() {
        var noAnswer = new SQLException("An I/O error occurred while sending to the backend.", "08006",
            new java.net.SocketTimeoutException("Read timed out"));
        var statement = new org.springframework.dao.DataAccessResourceFailureException("update outbox", noAnswer);

        assertThat(StoreUnreachable.in(statement)).isSameAs(noAnswer);
        assertThat(StoreUnreachable.describe(noAnswer))
            .isEqualTo("SocketTimeoutException: Read timed out, no answer within roster.store.socket-timeout");
    }

    @Test
    void aStoreThatCannotWriteIsAnOutageAndSaysSo() {
        var diskFull = new SQLException("ERROR: could not extend file \"base/16384/16456\": No space left on device\n"
            + "  Hint: Check free disk space.", "53100");
        var ioError = new SQLException("ERROR: could not write to file", "58030");
        var outOfMemory = new SQLException("ERROR: out of memory", "53200");
        // H2: the write of its file failed under the commit
        var h2 = new SQLException("General error: Writing to file failed", "HY000", 50000,
            new RuntimeException("Writing to file failed", new java.io.IOException("No space left on device")));
        var commit = new org.springframework.transaction.TransactionSystemException("JDBC commit failed", h2);

        for (SQLException e : new SQLException[] {diskFull, ioError, outOfMemory}) {
            var statement = new org.springframework.dao.DataAccessResourceFailureException("insert", e);
            assertThat(StoreUnreachable.in(statement)).as(e.getSQLState()).isSameAs(e);
            assertThat(StoreUnreachable.what(e)).isEqualTo("the store cannot write");
        }
        assertThat(StoreUnreachable.in(commit)).isSameAs(h2);
        assertThat(StoreUnreachable.what(h2)).isEqualTo("the store cannot write");
        assertThat(StoreUnreachable.describe(diskFull)).as("one line")
            .isEqualTo("SQLException: ERROR: could not extend file \"base/16384/16456\": No space left on device Hint: Check free disk space.");
        var refused = new SQLException("refused", "08001", new java.net.ConnectException("Connection refused"));
        assertThat(StoreUnreachable.what(refused)).as("an I/O cause of a lost connection").isEqualTo("the store cannot be reached");
    }

    @Test
    void aBatchWhoseStatementFoundTheStoreGoneIsAnOutage() {
        // H2 after a failed write of its file: the batch's own state is H2's, the statement's in its next exception
        var closed = new java.sql.SQLNonTransientConnectionException("The database has been closed", "90098");
        var batch = new java.sql.BatchUpdateException(closed.getMessage(), "90098", 90098, new int[0]);
        batch.setNextException(closed);
        var insert = new org.springframework.dao.DataAccessResourceFailureException("insert into audit_record", batch);
        assertThat(StoreUnreachable.in(insert)).isSameAs(batch);

        var duplicate = new java.sql.BatchUpdateException("duplicate key", "23505", 0, new int[0]);
        duplicate.setNextException(new SQLException("duplicate key", "23505"));
        assertThat(StoreUnreachable.in(duplicate)).as("a batch the store refused").isNull();
    }

    @Test
    void aStatementTheStoreRefusedIsNotAnOutage() {
        var duplicate = new DuplicateKeyException("duplicate", new SQLException("duplicate key", "23505"));
        var syntax = new UncategorizedSQLException("select", "select", new SQLException("syntax error", "42601"));
        var tooComplex = new UncategorizedSQLException("select", "select", new SQLException("too complex", "54001"));
        var tempFileLimit = new UncategorizedSQLException("select", "select", new SQLException("temporary file size exceeds", "53400"));

        assertThat(StoreUnreachable.in(duplicate)).isNull();
        assertThat(StoreUnreachable.in(syntax)).isNull();
        assertThat(StoreUnreachable.in(tooComplex)).isNull();
        assertThat(StoreUnreachable.in(tempFileLimit)).as("a statement too large for a limit: sending it again will not help").isNull();
        assertThat(StoreUnreachable.in(new IllegalStateException("not the store"))).isNull();
        assertThat(StoreUnreachable.in(null)).isNull();
        assertThat(StoreUnreachable.in(new CannotCreateTransactionException("no transaction manager"))).isNull();
    }
}
