package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which ends of a transaction {@link H2AtomicCommits} runs under H2's store lock, held here by another
 * thread as while a version of the file is written. A commit and a rollback of a transaction that
 * changed something wait for it before they begin: no row is marked committed and no row is set back
 * meanwhile, so another transaction can neither read the one nor take the other (without the lock, H2
 * would do both and wait only to write its version). A commit of a transaction that only read does not
 * wait. That this keeps a killed store whole is shown by {@link H2TornCommitTests}.
 */
class H2AtomicCommitsTests {

    @TempDir
    Path dir;

    @Test
    void commitsAndRollbacksWithChangesWaitForTheStoreLockAndAReadOnlyCommitDoesNot() throws Exception {
        DataSource h2 = H2AtomicCommits.dataSource("jdbc:h2:file:" + dir.resolve("store")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0", "sa", "");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Connection setup = h2.getConnection(); Statement s = setup.createStatement();
             Connection committing = h2.getConnection(); Connection rollingBack = h2.getConnection();
             Connection reading = h2.getConnection(); Connection probe = h2.getConnection()) {
            s.execute("create table t (id int primary key)");
            MVStore store = ((SessionLocal) setup.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore()
                .getMvStore();
            for (Connection c : new Connection[] {committing, rollingBack, reading, probe}) {
                c.setAutoCommit(false);
            }
            committing.createStatement().executeUpdate("insert into t values (1)");
            rollingBack.createStatement().executeUpdate("insert into t values (2)");
            reading.createStatement().executeQuery("select count(*) from t").close();

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try {
                Future<?> holder = pool.submit(() -> store.executeFilestoreOperation(() -> {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

                // a commit that changed nothing returns while another thread holds the lock
                pool.submit(() -> {
                    reading.commit();
                    return null;
                }).get(10, TimeUnit.SECONDS);
                Future<?> commit = pool.submit(() -> {
                    committing.commit();
                    return null;
                });
                Future<?> rollback = pool.submit(() -> {
                    rollingBack.rollback();
                    return null;
                });
                Thread.sleep(300);
                assertThat(commit.isDone()).as("a commit with changes waits for the store lock").isFalse();
                assertThat(rollback.isDone()).as("a rollback with changes waits for the store lock").isFalse();
                // H2 would end either of them by writing a version under the lock anyway: what the lock must hold
                // back is the marking of rows committed and the setting of rows back, which H2 does without it
                try (Statement p = probe.createStatement()) {
                    try (ResultSet rs = p.executeQuery("select count(*) from t where id = 1")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("the committing row is not marked committed yet").isZero();
                    }
                    p.execute("set lock_timeout 200");
                    assertThatThrownBy(() -> p.executeUpdate("insert into t values (2)"))
                        .as("the row being rolled back is not set back yet: another transaction cannot take it")
                        .hasMessageContaining("Timeout");
                }

                release.countDown();
                holder.get(10, TimeUnit.SECONDS);
                commit.get(10, TimeUnit.SECONDS);
                rollback.get(10, TimeUnit.SECONDS);
                probe.rollback();
            } finally {
                release.countDown(); // before the connections close: a close waits for the lock too
            }
            try (ResultSet rs = s.executeQuery("select listagg(id, ',') within group (order by id) from t")) {
                rs.next();
                assertThat(rs.getString(1)).as("the commit kept, the rollback undone").isEqualTo("1");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
