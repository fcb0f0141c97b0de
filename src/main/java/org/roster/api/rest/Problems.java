package org.roster.api.rest;

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

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getName() + ": '" + e.getValue() + "' is not a valid value", e.getName());
    }

    @ExceptionHandler({NotFound.class, HrNotFoundException.class})
    ProblemDetail notFound(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(HrConflictException.class)
    ProblemDetail conflict(HrConflictException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage(), e.field());
    }

    @ExceptionHandler(HrValidationException.class)
    ProblemDetail invalid(HrValidationException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.field());
    }

    private static ProblemDetail problem(HttpStatus status, String detail, String field) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setProperty("field", field);
        return p;
    }
}
