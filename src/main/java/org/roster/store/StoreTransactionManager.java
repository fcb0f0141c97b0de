package org.roster.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's JDBC transaction manager, except that a transaction whose connection was lost is not
 * rolled back on it. When a statement or a commit finds the connection gone (the store stopped, or
 * silent past {@code roster.store.socket-timeout}), the pool closes the connection at once; Spring's
 * rollback then failed on it ("Connection is closed", no SQL state) and was thrown in place of the
 * failure that caused it, so a request was answered 500 instead of 503 and a loop logged a stack
 * instead of one line an outage. There is nothing to roll back on a closed connection: the server
 * rolls back a session that ends. So the failure that caused it is what the caller sees.
 */
public class StoreTransactionManager extends JdbcTransactionManager {

    public StoreTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        if (connectionLost()) {
            return;
        }
        super.doRollback(status);
    }

    private boolean connectionLost() {
        Object bound = TransactionSynchronizationManager.getResource(obtainDataSource());
        if (!(bound instanceof ConnectionHolder holder) || holder.getConnectionHandle() == null) {
            return false;
        }
        Connection c = holder.getConnection();
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }
}
