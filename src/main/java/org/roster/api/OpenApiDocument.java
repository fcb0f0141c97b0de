package org.roster.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's front matter ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}):
 * what Roster is, and that every call but health needs a bearer token. Both are served behind that
 * token like every other endpoint.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

    @Bean
    OpenAPI rosterOpenApi() {
        return new OpenAPI()
            .info(new Info().title("Roster API").version("v1")
                .description("""
                    Roster turns each change in a worker's HR record into the access changes it implies, pushes them to every
                    connected system, proves when each consumed them, and finds where they drifted apart.

                    - HR in: SCIM 2.0 at /scim/v2 (RFC 7643/7644), snapshots at /api/v1/hr/snapshots, signed webhooks at
                      /api/v1/hr/events (HMAC, not a bearer token).
                    - Identities, their lifecycle and access: /api/v1/identities; audit: /api/v1/audit; holds, exceptions,
                      JIT, reviews, propagation, reconciliation and the compliance report under /api/v1.
                    - Every call but /actuator/health needs `Authorization: Bearer <token>` (ROSTER_BOOTSTRAP_TOKEN, or a
                      token named in roster.api.tokens). Errors are RFC 7807 problem details naming the field.""")
                .license(new License().name("Roster")))
            .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An API token: ROSTER_BOOTSTRAP_TOKEN or one of roster.api.tokens")))
            .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
