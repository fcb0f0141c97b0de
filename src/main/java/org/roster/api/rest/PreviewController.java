package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.roster.api.views.PreviewRunner;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/preview}: what proposed HR changes ({@code events}, as the webhook takes them)
 * or a proposed policy ({@code policy}, YAML text) would do, per identity and target, with the
 * reason for each operation. Nothing is stored or sent.
 */
@RestController
class PreviewController {

    private final PreviewRunner runner;

    PreviewController(PreviewRunner runner) {
        this.runner = runner;
    }

    @PostMapping("/api/v1/preview")
    @Operation(summary = "What-if: {\"events\": [...]} (HR changes) or {\"policy\": \"<yaml>\"}; no side effects")
    PreviewRunner.Result preview(@RequestBody JsonNode body) {
        try {
            return runner.run(body);
        } catch (PreviewRunner.PreviewRefused e) {
            throw new BadParameter(e.field(), e.getMessage());
        }
    }
}
