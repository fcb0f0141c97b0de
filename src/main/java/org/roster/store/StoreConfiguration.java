package org.roster.store;

import javax.sql.DataSource;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The store's durability: every commit on disk before Roster answers (see {@link StoreDurability}). */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    /** Static: a post-processor of the data source must exist before the data source is made. */
    @Bean
    static StoreDurability storeDurability() {
        return new StoreDurability();
    }

    @EventListener
    void started(ApplicationStartedEvent event) {
        event.getApplicationContext().getBeanProvider(DataSource.class).ifAvailable(StoreDurability::describe);
    }
}
