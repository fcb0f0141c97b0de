package org.roster.api.scim;

import com.unboundid.scim2.common.bulk.BulkOpType;
import com.unboundid.scim2.common.bulk.BulkOperation;
import com.unboundid.scim2.common.bulk.BulkOperationResult;
import com.unboundid.scim2.common.bulk.BulkRequest;
import com.unboundid.scim2.common.bulk.BulkResponse;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ErrorResponse;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.utils.JsonUtils;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import org.roster.hr.HrConflictException;
import org.roster.hr.HrNotFoundException;
import org.roster.hr.HrPreconditionFailedException;
import org.roster.hr.HrRecords;
import org.roster.hr.HrValidationException;
import org.roster.hr.ScimWorkers;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /scim/v2/Bulk} (RFC 7644 §3.7): many User changes in one request, each applied on its
 * own and in order. A {@code bulkId} given to a POST can be referenced by later operations as
 * {@code bulkId:<id>} (e.g. as a manager); {@code failOnErrors} stops the rest after that many
 * errors. At most {@value #MAX_OPERATIONS} operations and {@value #MAX_PAYLOAD} bytes.
 */
@RestController
class ScimBulkController {

    /** Twice what Entra's API-driven inbound provisioning sends in one request (50). */
    static final int MAX_OPERATIONS = 100;
    static final int MAX_PAYLOAD = 1_048_576;

    private final ScimWorkers workers;

    ScimBulkController(ScimWorkers workers) {
        this.workers = workers;
    }

    @PostMapping("/scim/v2/Bulk")
    ResponseEntity<String> bulk(@RequestBody(required = false) String body, Principal principal) throws ScimException {
        if (body != null && body.length() > MAX_PAYLOAD) {
            throw tooLarge("the bulk request is " + body.length() + " characters; at most " + MAX_PAYLOAD);
        }
        BulkRequest request = ScimJson.parse(body, BulkRequest.class);
        if (request.getOperations() == null || request.getOperations().isEmpty()) {
            throw BadRequestException.invalidSyntax("Operations: at least one operation is required");
        }
        if (request.getOperations().size() > MAX_OPERATIONS) {
            throw tooLarge(request.getOperations().size() + " operations; at most " + MAX_OPERATIONS);
        }
        String base = ScimJson.baseUri();
        int failOnErrors = request.getFailOnErrorsNormalized();
        List<BulkOperation> pending = new ArrayList<>(request.getOperations());
        List<BulkOperationResult> results = new ArrayList<>();
        workers.bulk(principal.getName(), pending.size(), () -> apply(pending, results, failOnErrors, base, principal));
        return ScimJson.respond(HttpStatus.OK, new BulkResponse(results));
    }

    private List<BulkOperationResult> apply(List<BulkOperation> pending, List<BulkOperationResult> results,
                                            int failOnErrors, String base, Principal principal) {
        int errors = 0;
        for (int i = 0; i < pending.size() && errors < failOnErrors; i++) {
            BulkOperation op = pending.get(i);
            BulkOperationResult result = apply(op, base, principal.getName());
            results.add(result);
            if (!result.getStatus().startsWith("2")) {
                errors++;
            } else if (op.getMethod() == BulkOpType.POST && op.getBulkId() != null) {
                String id = result.getLocation().substring(result.getLocation().lastIndexOf('/') + 1);
                for (int j = i + 1; j < pending.size(); j++) {
                    BulkOperation later = pending.get(j).copy();
                    later.replaceBulkIdValue(op.getBulkId(), id);
                    pending.set(j, later);
                }
            }
        }
        return results;
    }

    private BulkOperationResult apply(BulkOperation op, String base, String actor) {
        String location = base + op.getPath();
        try {
            String unresolved = op.getData() == null ? null : unresolvedBulkId(op.getData());
            if (unresolved != null) {
                throw new ScimException(409, "invalidValue",
                    "refers to " + unresolved + ", which no earlier operation of this request created");
            }
            String[] path = op.getPath() == null ? new String[0] : op.getPath().replaceFirst("^/", "").split("/");
            if (path.length == 0 || !path[0].equals("Users") || path.length > 2) {
                throw new ScimException(404, null, "path " + op.getPath() + ": only /Users is supported");
            }
            if (op.getMethod() == BulkOpType.POST) {
                if (path.length != 1) {
                    throw BadRequestException.invalidSyntax("POST goes to /Users");
                }
                HrRecords.Result r = workers.create(op.getData(), actor);
                return written(op, r, base, "201");
            }
            if (path.length != 2) {
                throw BadRequestException.invalidSyntax(op.getMethod() + " needs /Users/{id}");
            }
            String id = path[1];
            HrRecords.Result r = switch (op.getMethod()) {
                case PUT -> workers.replace(id, op.getData(), actor, op.getVersion());
                case PATCH -> workers.patch(id, JsonUtils.nodeToValue(op.getData(), PatchRequest.class), base, actor,
                    op.getVersion());
                case DELETE -> workers.delete(id, actor, op.getVersion());
                default -> throw BadRequestException.invalidSyntax("method " + op.getMethod());
            };
            if (op.getMethod() == BulkOpType.DELETE) {
                return new BulkOperationResult(op, "204", location);
            }
            return written(op, r, base, "200");
        } catch (ScimException e) {
            return new BulkOperationResult(e, op, location);
        } catch (HrConflictException e) {
            return new BulkOperationResult(exception(409, "uniqueness", e.getMessage()), op, location);
        } catch (HrValidationException e) {
            return new BulkOperationResult(exception(400, "invalidValue", e.getMessage()), op, location);
        } catch (HrNotFoundException e) {
            return new BulkOperationResult(exception(404, null, e.getMessage()), op, location);
        } catch (HrPreconditionFailedException e) {
            return new BulkOperationResult(exception(412, null, e.getMessage()), op, location);
        } catch (RuntimeException e) {
            return new BulkOperationResult(exception(400, "invalidSyntax", "cannot be applied: "
                + ScimJson.clean(e.getMessage())), op, location);
        }
    }

    private BulkOperationResult written(BulkOperation op, HrRecords.Result r, String base, String status) {
        BulkOperationResult result = new BulkOperationResult(op, status, base + "/Users/" + r.stored().id());
        result.setVersion("W/\"" + r.stored().version() + "\"");
        return result;
    }

    private static String unresolvedBulkId(ObjectNode data) {
        String text = data.toString();
        int at = text.indexOf("\"bulkId:");
        if (at < 0) {
            return null;
        }
        int end = text.indexOf('"', at + 1);
        return text.substring(at + 1, end < 0 ? text.length() : end);
    }

    private static ScimException exception(int status, String scimType, String detail) {
        ErrorResponse error = new ErrorResponse(status);
        error.setScimType(scimType);
        error.setDetail(detail);
        return new ScimException(error, null);
    }

    private static ScimException tooLarge(String detail) {
        return exception(413, null, detail);
    }
}
