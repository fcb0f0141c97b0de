package org.roster.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a failure because the store is unavailable from every other failure: it cannot be reached
 * (down, restarting, refusing connections, a connection lost mid-statement), or it cannot write (its
 * disk is full, it is out of memory, its file could not be written). What failed so was not
 * acknowledged: the caller may try again once the store is back, and a request is answered 503 with
 * {@code Retry-After} rather than 500. (A commit cut off by the loss may have landed; what is sent
 * again then finds its change made.)
 */
public final class StoreUnreachable {

    /** How long a client is told to wait before it sends a request again ({@code Retry-After}, seconds). */
    public static final String RETRY_AFTER_SECONDS = "5";

    private static final int MAX_DEPTH = 16;

    private StoreUnreachable() {
    }

    /** The failure that says the store cannot be reached, among {@code e} and its causes; null when there is none. */
    public static @Nullable Throwable in(@Nullable Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (says(t) || t instanceof SQLException sql && batchFailedSo(sql)) {
                return t;
            }
        }
        return null;
    }

    /** Whether this failure itself (not its causes) says the store cannot be reached or cannot write. */
    private static boolean says(Throwable t) {
        if (t instanceof CannotGetJdbcConnectionException || t instanceof SQLTransientConnectionException
            || t instanceof SQLNonTransientConnectionException) {
            return true;
        }
        if (t instanceof CannotCreateTransactionException && t.getCause() instanceof SQLException) {
            return true;
        }
        return t instanceof SQLException sql && (connectionState(sql.getSQLState()) || cannotWrite(sql));
    }

    /**
     * A batch's failure carries the statement's own in its next exceptions, not in its cause: an
     * embedded H2 store closed by a failed write of its file answered a batch insert with "The
     * database has been closed" there, and the request was answered 500.
     */
    private static boolean batchFailedSo(SQLException sql) {
        SQLException next = sql.getNextException();
        for (int depth = 0; next != null && next != sql && depth < MAX_DEPTH; depth++, next = next.getNextException()) {
            if (says(next)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQL states of a lost or refused connection: class 08 (connection exception), PostgreSQL's
     * administrator or crash shutdown and "cannot connect now" (a server starting or recovering,
     * 57P01 to 57P03), and too many connections (53300).
     */
    static boolean connectionState(@Nullable String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
            || state.equals("57P03") || state.equals("53300"));
    }

    /**
     * Whether the store failed to write what it was given rather than refused it: PostgreSQL's
     * insufficient resources (53000, disk full 53100, out of memory 53200) and I/O error (58030), or a
     * failure of the store's own file under the statement (an embedded H2 store whose disk is full).
     */
    static boolean cannotWrite(SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.equals("53000") || state.equals("53100") || state.equals("53200") || state.equals("58030"))) {
            return true;
        }
        Throwable t = sql.getCause();
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** What the failure says of the store, for a log line or an answer: "the store cannot be reached" or "... cannot write". */
    public static String what(Throwable unavailable) {
        return unavailable instanceof SQLException sql && !connectionState(sql.getSQLState()) && cannotWrite(sql)
            ? "the store cannot write" : "the store cannot be reached";
    }

    /** The deepest message of the failure, on one line, without its stack: what a log line says of an outage. */
    public static String describe(Throwable unreachable) {
        Throwable root = unreachable;
        for (int depth = 0; root.getCause() != null && depth < MAX_DEPTH; depth++) {
            root = root.getCause();
        }
        String said = root.getClass().getSimpleName() + ": " + String.valueOf(root.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
        return root instanceof java.net.SocketTimeoutException ? said + ", no answer within " + StoreTimeouts.KEY : said;
    }
}
