package org.roster.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says where to look once Roster is ready. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
            return;
        }
        String base = "http://localhost:" + web.getWebServer().getPort();
        log.info("""
            Roster is ready.
              Identities (REST):  {}/api/v1/identities
              HR push (SCIM 2.0): {}/scim/v2/Users
              Audit:              {}/api/v1/audit?identity=EMPLOYEE_NUMBER
              OpenAPI:            {}/v3/api-docs (Swagger UI: /swagger-ui.html)
              Health:             {}/actuator/health
            Every call but health needs: Authorization: Bearer $ROSTER_BOOTSTRAP_TOKEN""",
            base, base, base, base, base);
    }
}
