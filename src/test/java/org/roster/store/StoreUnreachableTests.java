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

/** Which failures say the store cannot be reached (answered 503), and which do not (still 500 or their own answer). */
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
    void aStatementTheStoreRefusedIsNotAnOutage() {
        var duplicate = new DuplicateKeyException("duplicate", new SQLException("duplicate key", "23505"));
        var syntax = new UncategorizedSQLException("select", "select", new SQLException("syntax error", "42601"));
        var tooComplex = new UncategorizedSQLException("select", "select", new SQLException("too complex", "54001"));

        assertThat(StoreUnreachable.in(duplicate)).isNull();
        assertThat(StoreUnreachable.in(syntax)).isNull();
        assertThat(StoreUnreachable.in(tooComplex)).isNull();
        assertThat(StoreUnreachable.in(new IllegalStateException("not the store"))).isNull();
        assertThat(StoreUnreachable.in(null)).isNull();
        assertThat(StoreUnreachable.in(new CannotCreateTransactionException("no transaction manager"))).isNull();
    }
}
