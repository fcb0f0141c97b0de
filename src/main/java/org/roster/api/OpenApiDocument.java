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

    /** Request examples a newcomer can paste, keyed by path and method. */
    private static final java.util.Map<String, String> EXAMPLES = java.util.Map.of(
        "POST /api/v1/exceptions", """
            {"identity": "E1002", "target": "directory", "entitlement": "finance-approvers",
             "reason": "Quarter close, ticket FIN-1234", "expiresAt": "2027-01-31T00:00:00Z"}""",
        "POST /api/v1/jit-requests", """
            {"identity": "E1002", "target": "directory", "entitlement": "prod-admin",
             "reason": "Incident INC-42", "duration": "PT2H"}""",
        "POST /api/v1/sponsored-identities", """
            {"userName": "ext.auditor", "givenName": "Erin", "familyName": "Auditor", "email": "erin@partner.example",
             "department": "Audit", "sponsor": "E1001", "endDate": "2027-03-31"}""",
        "POST /api/v1/reconciliations", """
            {"target": "directory", "mode": "report"}""",
        "POST /api/v1/preview", """
            {"events": [{"eventId": "preview-1", "employeeNumber": "E1002", "changes": {"department": "Finance"}}]}""",
        "POST /api/v1/holds/{id}/approve", """
            {"note": "Reorganisation confirmed by HR"}""");

    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer requestExamples() {
        return api -> EXAMPLES.forEach((key, example) -> {
            String path = key.substring(key.indexOf(' ') + 1);
            var item = api.getPaths() == null ? null : api.getPaths().get(path);
            var op = item == null ? null : item.getPost();
            if (op == null || op.getRequestBody() == null || op.getRequestBody().getContent() == null) {
                return;
            }
            Object parsed;
            try {
                parsed = io.swagger.v3.core.util.Json.mapper().readTree(example);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("OpenAPI example for " + key + " is not JSON", e);
            }
            op.getRequestBody().getContent().values().forEach(media -> media.setExample(parsed));
        });
    }
}
