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
 * The store's durability: every commit on disk before Roster answers (see {@link StoreDurability}); and
 * for an H2 file, the compaction H2 does not do then ({@link H2Housekeeping}).
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration implements DisposableBean {

    private volatile @Nullable H2Housekeeping housekeeping;

    /** Static: a post-processor of the data source must exist before the data source is made. */
    @Bean
    static StoreDurability storeDurability() {
        return new StoreDurability();
    }

    @EventListener
    void started(ApplicationStartedEvent event) {
        event.getApplicationContext().getBeanProvider(DataSource.class).ifAvailable(ds -> {
            StoreDurability.describe(ds);
            housekeeping = H2Housekeeping.startFor(ds, event.getApplicationContext().getBeanProvider(MeterRegistry.class)
                .getIfAvailable(SimpleMeterRegistry::new));
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
