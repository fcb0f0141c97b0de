package org.roster.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The store's durability: every commit on disk before Roster answers (see {@link StoreDurability}); for
 * an H2 file, the compaction H2 does not do then ({@link H2Housekeeping}); and on PostgreSQL, a bound
 * on how long a statement waits for an answer ({@link StoreTimeouts}).
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration implements DisposableBean {

    private volatile @Nullable H2Housekeeping housekeeping;

    /** Static: a post-processor of the data source must exist before the data source is made. */
    @Bean
    static StoreDurability storeDurability() {
        return new StoreDurability();
    }

    /** Static, as the one above; reads its key from the environment, which exists before any bean. */
    @Bean
    static StoreTimeouts storeTimeouts(org.springframework.core.env.Environment environment) {
        return StoreTimeouts.of(environment.getProperty(StoreTimeouts.KEY));
    }

    /** Schema migrations wait for PostgreSQL as long as a statement takes: they may build an index over a large table. */
    @Bean
    org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer unboundedMigrations() {
        return configuration -> {
            DataSource ds = configuration.getDataSource();
            if (ds != null) {
                configuration.dataSource(StoreTimeouts.unbounded(ds));
            }
        };
    }

    /**
     * Spring Boot's transaction manager, with what {@code spring.transaction.*} sets, but one that does
     * not roll back on a connection already lost ({@link StoreTransactionManager}).
     */
    @Bean
    StoreTransactionManager transactionManager(DataSource dataSource,
            org.springframework.beans.factory.ObjectProvider<org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers> customizers) {
        StoreTransactionManager manager = new StoreTransactionManager(dataSource);
        customizers.ifAvailable(c -> c.customize(manager));
        return manager;
    }

    @EventListener
    void started(ApplicationStartedEvent event) {
        event.getApplicationContext().getBeanProvider(DataSource.class).ifAvailable(ds -> {
            StoreDurability.describe(ds);
            BulkWork bulk = event.getApplicationContext().getBeanProvider(BulkWork.class).getIfAvailable(BulkWork::new);
            housekeeping = H2Housekeeping.startFor(ds, event.getApplicationContext().getBeanProvider(MeterRegistry.class)
                .getIfAvailable(SimpleMeterRegistry::new), bulk::busy);
        });
    }

    @Override
    public void destroy() {
        H2Housekeeping h = housekeeping;
        if (h != null) {
            h.close();
        }
    }
}
