package org.roster.demo;

import com.unboundid.scim2.common.utils.JsonUtils;
import java.io.IOException;
import java.io.InputStream;
import org.roster.hr.HrRecords;
import org.roster.hr.ScimWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Loads the demo workers into an empty store through the same SCIM path an HR system uses, so the
 * quick start shows the whole flow: identities, policy decisions and directory accounts. Only on
 * the embedded defaults: never when a configuration file is given.
 */
@Component
class DemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final DemoSettings settings;
    private final ScimWorkers scim;
    private final HrRecords hr;
    private final ResourceLoader resources;
    private final Environment environment;

    DemoData(DemoSettings settings, ScimWorkers scim, HrRecords hr, ResourceLoader resources, Environment environment) {
        this.settings = settings;
        this.scim = scim;
        this.hr = hr;
        this.resources = resources;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        String secret = environment.getProperty(DemoSources.SECRET);
        if (secret != null) {
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
            // A demo-only secret, made at random for this start: printed so the quick start can sign a webhook.
            String body = "{\"eventId\":\"demo-1\",\"employeeNumber\":\"E1006\","
                + "\"changes\":{\"userName\":\"mary.jackson\",\"department\":\"Research\"}}";
            log.info("Demo HR sources: snapshot 'hr' and webhook 'workday'.\n"
                + "  Import a file:  ROSTER_TOKEN=$ROSTER_BOOTSTRAP_TOKEN bin/roster import examples/hr-snapshot.csv --source hr\n"
                + "  Send a webhook: S='" + secret + "'; TS=$(date +%s); B='" + body + "'; curl -s -X POST"
                + " \"localhost:" + port + "/api/v1/hr/events?source=workday\" -H 'Content-Type: application/json'"
                + " -H \"X-Roster-Timestamp: $TS\" -H \"X-Roster-Signature: sha256=$(printf '%s.%s' \"$TS\" \"$B\""
                + " | openssl dgst -sha256 -hmac \"$S\" | sed 's/^.* //')\" -d \"$B\"");
        }
        if (!settings.enabled() || environment.getProperty("ROSTER_CONFIG") != null || hr.count() > 0) {
            return;
        }
        JsonNode workers;
        try (InputStream in = resources.getResource(settings.workers()).getInputStream()) {
            workers = JsonUtils.getObjectReader().readTree(in);
        }
        int loaded = 0;
        for (JsonNode worker : workers) {
            scim.create(worker, "demo");
            loaded++;
        }
        log.info("Demo: loaded {} HR workers from {}", loaded, settings.workers());
    }
}
