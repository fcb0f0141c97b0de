package org.roster.api.rest;

import org.roster.hr.HrAuthenticationException;
import org.roster.hr.HrConflictException;
import org.roster.hr.HrNotFoundException;
import org.roster.hr.HrValidationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** The one place where failures under {@code /api/v1} become RFC 7807 problem details. */
@RestControllerAdvice(basePackageClasses = Problems.class)
class Problems {

    @ExceptionHandler(BadParameter.class)
    ProblemDetail badParameter(BadParameter e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.parameter());
    }

    @ExceptionHandler(org.springframework.web.bind.MissingServletRequestParameterException.class)
    ProblemDetail missing(org.springframework.web.bind.MissingServletRequestParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getParameterName() + ": is required", e.getParameterName());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getName() + ": '" + e.getValue() + "' is not a valid value", e.getName());
    }

    @ExceptionHandler({NotFound.class, HrNotFoundException.class})
    ProblemDetail notFound(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    /** A module's refusal (grants, NHIs, reconciliation, certification): the status its reason gives, the field named. */
    @ExceptionHandler(org.roster.runtime.Refusal.class)
    ProblemDetail refusal(org.roster.runtime.Refusal e) {
        HttpStatus status = switch (e.why()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
        return problem(status, e.getMessage(), e.field());
    }

    @ExceptionHandler(Refused.class)
    ProblemDetail refused(Refused e) {
        return ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    }

    @ExceptionHandler(HrConflictException.class)
    ProblemDetail conflict(HrConflictException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage(), e.field());
    }

    @ExceptionHandler(org.roster.api.security.RequestTooLargeException.class)
    ProblemDetail tooLarge(org.roster.api.security.RequestTooLargeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
    }

    @ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
    ProblemDetail unreadable(org.springframework.http.converter.HttpMessageNotReadableException e) {
        if (org.roster.api.security.RequestTooLargeException.causes(e)) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, e.getMostSpecificCause().getMessage());
        }
        return problem(HttpStatus.BAD_REQUEST, "the request body is not valid JSON", "body");
    }

    @ExceptionHandler(HrAuthenticationException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> unauthenticated(HrAuthenticationException e) {
        return org.springframework.http.ResponseEntity.status(HttpStatus.UNAUTHORIZED)
            .header("WWW-Authenticate", "HMAC-SHA256 realm=\"roster\"")
            .body(ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage()));
    }

    /** Roster could not take the change for want of room of its own: nothing said applied was, and it may be sent again. */
    @ExceptionHandler(org.roster.hr.HrUnavailableException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> unavailable(org.roster.hr.HrUnavailableException e) {
        return org.springframework.http.ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header(org.springframework.http.HttpHeaders.RETRY_AFTER, "60")
            .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    @ExceptionHandler(HrValidationException.class)
    ProblemDetail invalid(HrValidationException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.field());
    }

    @ExceptionHandler(org.roster.hr.WebhookEvents.HrTooLargeException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> tooLarge(org.roster.hr.WebhookEvents.HrTooLargeException e) {
        HttpStatus status = e.busy() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.PAYLOAD_TOO_LARGE;
        var answer = org.springframework.http.ResponseEntity.status(status);
        if (e.busy()) {
            answer.header(org.springframework.http.HttpHeaders.RETRY_AFTER, "1");
        }
        return answer.body(problem(status, e.getMessage(), "body"));
    }

    @ExceptionHandler(org.roster.audit.Checkpoints.CheckpointRefused.class)
    ProblemDetail checkpointRefused(org.roster.audit.Checkpoints.CheckpointRefused e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(org.roster.plan.Holds.HoldException.class)
    ProblemDetail hold(org.roster.plan.Holds.HoldException e) {
        return ProblemDetail.forStatusAndDetail(e.missing() ? HttpStatus.NOT_FOUND
            : e.forbidden() ? HttpStatus.FORBIDDEN : HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(org.roster.policy.PolicyException.class)
    ProblemDetail policy(org.roster.policy.PolicyException e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage(), "policy");
    }

    private static ProblemDetail problem(HttpStatus status, String detail, String field) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setProperty("field", field);
        return p;
    }
}
