package org.roster.api.scim;

import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ErrorResponse;
import org.roster.hr.HrConflictException;
import org.roster.hr.HrNotFoundException;
import org.roster.hr.HrValidationException;
import org.roster.policy.PolicyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The one place where failures on SCIM paths become SCIM error responses (RFC 7644 §3.12). The
 * failing request changed nothing: every change is one transaction.
 */
@RestControllerAdvice(basePackageClasses = ScimErrors.class)
class ScimErrors {

    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);

    @ExceptionHandler(ScimException.class)
    ResponseEntity<String> scim(ScimException e) {
        return respond(e.getScimError());
    }

    @ExceptionHandler(HrConflictException.class)
    ResponseEntity<String> conflict(HrConflictException e) {
        return respond(error(HttpStatus.CONFLICT, "uniqueness", e.getMessage()));
    }

    @ExceptionHandler(org.roster.hr.HrImmutableFieldException.class)
    ResponseEntity<String> immutable(org.roster.hr.HrImmutableFieldException e) {
        return respond(error(HttpStatus.BAD_REQUEST, "mutability", e.getMessage()));
    }

    @ExceptionHandler(HrValidationException.class)
    ResponseEntity<String> invalid(HrValidationException e) {
        // Syntax: the shape of the request (its schemas, an extension that is not one); value: an attribute's content.
        boolean attribute = org.roster.hr.ScimSchemas.USER_SCHEMAS.stream().anyMatch(u -> e.field().startsWith(u + ":"));
        String type = e.field().equals("schemas") || e.field().equals("body")
            || (e.field().startsWith("urn:") && !attribute) ? "invalidSyntax" : "invalidValue";
        return respond(error(HttpStatus.BAD_REQUEST, type, e.getMessage()));
    }

    @ExceptionHandler(org.roster.hr.HrPreconditionFailedException.class)
    ResponseEntity<String> precondition(org.roster.hr.HrPreconditionFailedException e) {
        return respond(error(HttpStatus.PRECONDITION_FAILED, null, e.getMessage()));
    }

    @ExceptionHandler(HrNotFoundException.class)
    ResponseEntity<String> notFound(HrNotFoundException e) {
        return respond(error(HttpStatus.NOT_FOUND, null, e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<String> badParameter(MethodArgumentTypeMismatchException e) {
        return respond(error(HttpStatus.BAD_REQUEST, "invalidValue", e.getName() + ": '" + e.getValue() + "' is not valid"));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
        if (org.roster.api.security.RequestTooLargeException.causes(e)) {
            return respond(error(HttpStatus.PAYLOAD_TOO_LARGE, null, e.getMostSpecificCause().getMessage()));
        }
        return respond(error(HttpStatus.BAD_REQUEST, "invalidSyntax", "the request body cannot be read"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
        return respond(error(HttpStatus.METHOD_NOT_ALLOWED, null, e.getMethod() + " is not supported here"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, null, "send application/scim+json"));
    }

    @ExceptionHandler(PolicyException.class)
    ResponseEntity<String> policy(PolicyException e) {
        log.error("policy failed on a SCIM request; the change was not applied", e);
        return respond(error(HttpStatus.INTERNAL_SERVER_ERROR, null,
            "the change was not applied: " + e.getMessage()));
    }

    private static ErrorResponse error(HttpStatus status, String scimType, String detail) {
        ErrorResponse error = new ErrorResponse(status.value());
        error.setScimType(scimType);
        error.setDetail(detail);
        return error;
    }

    private static ResponseEntity<String> respond(ErrorResponse error) {
        return ResponseEntity.status(error.getStatus()).contentType(ScimJson.SCIM).body(ScimJson.write(error));
    }
}
