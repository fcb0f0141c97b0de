package org.roster.api;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code roster.api}: limits of the HTTP edge.
 *
 * @param maxRequestSize the largest request body accepted (default 10MB); a larger one is refused
 *     with 413 before it is read
 */
@ConfigurationProperties("roster.api")
public record ApiSettings(@Nullable DataSize maxRequestSize) {

    public ApiSettings {
        maxRequestSize = maxRequestSize == null ? DataSize.ofMegabytes(10) : maxRequestSize;
    }
}
